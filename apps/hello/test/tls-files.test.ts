import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { readTlsFiles } from '../src/tls-files.ts';
import { testCertificate } from './helpers/certificate.ts';

const { cert, key } = await testCertificate();
const pem = (type: 'ec' | 'rsa') =>
  (type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 })
  ).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

t.test('reads a certificate and its key', async (t) => {
  const dir = t.testdir({ 'cert.pem': cert, 'key.pem': key });
  const files = readTlsFiles({ TLS_CERT_FILE: `${dir}/cert.pem`, TLS_KEY_FILE: `${dir}/key.pem` });
  t.equal(files.cert.toString(), cert);
  t.equal(files.key.toString(), key);
});

t.test('a missing file names the variable and the path', async (t) => {
  const dir = t.testdir({ 'cert.pem': cert });
  t.throws(() => readTlsFiles({ TLS_CERT_FILE: `${dir}/nope.pem`, TLS_KEY_FILE: `${dir}/key.pem` }), {
    message: new RegExp(`^TLS_CERT_FILE=${dir}/nope.pem: cannot read the file \\(ENOENT`),
  });
  t.throws(() => readTlsFiles({ TLS_CERT_FILE: `${dir}/cert.pem`, TLS_KEY_FILE: `${dir}/key.pem` }), {
    message: /^TLS_KEY_FILE=.*key\.pem: cannot read the file .*expected a readable PEM file/,
  });
});

t.test('files that do not parse name the variable, the path and what was expected', async (t) => {
  const dir = t.testdir({ 'cert.pem': cert, 'key.pem': key, 'junk.pem': 'not pem at all' });
  t.throws(() => readTlsFiles({ TLS_CERT_FILE: `${dir}/junk.pem`, TLS_KEY_FILE: `${dir}/key.pem` }), {
    message: new RegExp(`^TLS_CERT_FILE=${dir}/junk.pem: not a PEM certificate \\(`),
  });
  t.throws(() => readTlsFiles({ TLS_CERT_FILE: `${dir}/cert.pem`, TLS_KEY_FILE: `${dir}/junk.pem` }), {
    message: new RegExp(`^TLS_KEY_FILE=${dir}/junk.pem: not a PEM private key \\(unencrypted\\) \\(`),
  });
});

t.test('a key that does not belong to the certificate is refused, naming both files', async (t) => {
  const dir = t.testdir({ 'cert.pem': cert, 'rsa.pem': pem('rsa'), 'other-ec.pem': pem('ec') });
  t.throws(() => readTlsFiles({ TLS_CERT_FILE: `${dir}/cert.pem`, TLS_KEY_FILE: `${dir}/rsa.pem` }), {
    message: new RegExp(
      `^TLS_KEY_FILE=${dir}/rsa.pem: this rsa key does not belong to the certificate in TLS_CERT_FILE=${dir}/cert.pem \\(its key is ec\\)`,
    ),
  });
  t.throws(() => readTlsFiles({ TLS_CERT_FILE: `${dir}/cert.pem`, TLS_KEY_FILE: `${dir}/other-ec.pem` }), {
    message: /other-ec\.pem: this ec key does not belong to the certificate/,
  });
});
