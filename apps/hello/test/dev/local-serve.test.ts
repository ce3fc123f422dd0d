import t from 'tap';
import {
  DEFAULT_CERT_DIR,
  exitCodeOf,
  forwardFirstStopSignal,
  localServeEnv,
  prepareLocalServe,
  STOP_SIGNALS,
} from '../../src/dev/local-serve.ts';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ensureLocalCertificate, generateLocalhostCertificate } from '../../src/dev/local-certificate.ts';

t.test('local-serve.ts', async (t) => {
  t.test('serve defaults to a local stage on loopback:8443 with the git-ignored certificate', async (t) => {
    t.match(DEFAULT_CERT_DIR, /apps\/hello\/\.certs$/);
    t.same(localServeEnv({}), {
      TLS_CERT_FILE: `${DEFAULT_CERT_DIR}/cert.pem`,
      TLS_KEY_FILE: `${DEFAULT_CERT_DIR}/key.pem`,
      STAGE: 'local',
      HOST: 'localhost',
      PORT: '8443',
    });
  });

  t.test('what the user set wins', async (t) => {
    const mine = { TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem', STAGE: 'staging', HOST: '::1', PORT: '9443' };
    t.same(localServeEnv(mine, '/elsewhere'), mine);
  });

  t.test('the certificate is made on the first start and reused afterwards', async (t) => {
    const dir = t.testdir({});
    const env: Record<string, string | undefined> = { PORT: '9443' };
    const first = await prepareLocalServe(env, dir);
    t.match(first, `created a self-signed certificate for localhost: ${dir}/cert.pem`);
    t.match(first, 'serving https://localhost:9443/');
    t.match(env, { TLS_CERT_FILE: `${dir}/cert.pem`, STAGE: 'local', HOST: 'localhost', PORT: '9443' });
    const second = await prepareLocalServe(env, dir);
    t.notMatch(second, /created/);
    t.match(second, 'curl -k https://localhost:9443/');
  });

  t.test("serve exits with the server's code, or 128 + the signal that killed it", async (t) => {
    t.equal(exitCodeOf(0, null), 0);
    t.equal(exitCodeOf(1, null), 1);
    t.equal(exitCodeOf(null, 'SIGKILL'), 137);
    t.equal(exitCodeOf(null, null), 1);
  });

  t.test('a closed terminal stops the server as systemd would; Ctrl-C passes on as itself', async (t) => {
    t.same(STOP_SIGNALS, { SIGINT: 'SIGINT', SIGTERM: 'SIGTERM', SIGHUP: 'SIGTERM' });
  });

  t.test('one Ctrl-C arrives several times (terminal, pnpm layers): only the first is passed on', async (t) => {
    const sent: string[] = [];
    const forward = forwardFirstStopSignal((signal) => sent.push(signal));
    forward('SIGINT');
    forward('SIGINT');
    forward('SIGTERM');
    t.same(sent, ['SIGINT']);
    const hangup: string[] = [];
    forwardFirstStopSignal((signal) => hangup.push(signal))('SIGHUP');
    t.same(hangup, ['SIGTERM']);
  });
});

t.test('local-certificate.ts', async (t) => {
  t.test('the certificate is for localhost, 127.0.0.1 and ::1, valid now, with its key', async (t) => {
    const now = new Date();
    const { cert, key } = await generateLocalhostCertificate(now);
    const x509 = new X509Certificate(cert);
    t.ok(x509.checkHost('localhost'));
    t.ok(x509.checkIP('127.0.0.1'));
    t.ok(x509.checkIP('::1'));
    t.ok(new Date(x509.validFrom) <= now && new Date(x509.validTo) > new Date(now.getTime() + 300 * 86_400_000));
    t.ok(x509.checkPrivateKey(createPrivateKey(key)));
  });

  t.test('made once, then reused', async (t) => {
    const dir = t.testdir({});
    const files = { certFile: `${dir}/certs/cert.pem`, keyFile: `${dir}/certs/key.pem` };
    t.equal(await ensureLocalCertificate(files), true, 'created');
    const first = readFileSync(files.certFile, 'utf8');
    t.equal(statSync(files.keyFile).mode & 0o777, 0o600, 'the key is private');
    t.equal(await ensureLocalCertificate(files), false, 'reused');
    t.equal(readFileSync(files.certFile, 'utf8'), first);
  });
});
