import t from 'tap';
import { renderEnv } from '../../host/render-env.ts';

const base = {
  stage: 'prod',
  version: 'abc',
  port: '8443',
  certFile: '/etc/hello/tls/cert.pem',
  keyFile: '/etc/hello/tls/key.pem',
};

t.test('renders the contract with stage and version', async (t) => {
  const text = renderEnv(base);
  t.match(text, /^STAGE=prod$/m);
  t.match(text, /^RELEASE_VERSION=abc$/m);
  t.match(
    text,
    /^HOST=0\.0\.0\.0$/m,
    'all interfaces by default: the load balancer reaches the host on its private address',
  );
  t.match(text, /^SHUTDOWN_GRACE_MS=\d+$/m, 'defaults are written out too');
  t.match(renderEnv({ ...base, host: '127.0.0.1' }), /^HOST=127\.0\.0\.1$/m);
});

t.test('refuses a deployment group that is not a stage, and values the contract rejects', async (t) => {
  t.throws(
    () => renderEnv({ ...base, stage: 'local' }),
    /deployment group "local" is not a stage; expected one of staging, prod/,
  );
  t.throws(() => renderEnv({ ...base, port: '99999' }), /PORT="99999"/);
  t.throws(() => renderEnv({ ...base, certFile: 'relative.pem' }), /TLS_CERT_FILE/);
});
