import t from 'tap';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ensureLocalCertificate, generateLocalhostCertificate } from '../../src/dev/local-certificate.ts';

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
