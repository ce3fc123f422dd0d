import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { findLocalCertificate, isLoopbackUrl, LOCAL_CERTIFICATE } from '../src/local-certificate.ts';

t.test('found from any directory of the checkout that holds it', (t) => {
  const root = t.testdir({
    'pnpm-workspace.yaml': '',
    apps: { hello: { '.certs': { 'cert.pem': 'x' } } },
    packages: { release: { dist: {} } },
  });
  t.equal(LOCAL_CERTIFICATE, join('apps', 'hello', '.certs', 'cert.pem'));
  t.equal(findLocalCertificate(join(root, 'packages', 'release', 'dist')), join(root, LOCAL_CERTIFICATE));
  t.equal(findLocalCertificate(root), join(root, LOCAL_CERTIFICATE));
  t.end();
});

t.test('none before the first pnpm start, none outside a checkout', (t) => {
  const root = t.testdir({ 'pnpm-workspace.yaml': '', packages: {} });
  t.equal(findLocalCertificate(join(root, 'packages')), undefined);
  const away = mkdtempSync(join(tmpdir(), 'release-no-checkout-'));
  t.teardown(() => rmSync(away, { recursive: true, force: true }));
  t.equal(findLocalCertificate(away), undefined);
  t.end();
});

t.test('loopback URLs only', (t) => {
  for (const url of ['https://localhost:8443', 'https://127.0.0.1:8443/', 'https://[::1]:8443'])
    t.equal(isLoopbackUrl(url), true, url);
  for (const url of ['https://staging.example.com', 'https://10.0.0.1']) t.equal(isLoopbackUrl(url), false, url);
  t.end();
});
