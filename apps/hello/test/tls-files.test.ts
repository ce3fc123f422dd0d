import t from 'tap';
import { readTlsFiles } from '../src/tls-files.js';

t.test('reads the certificate and the key', async (t) => {
  const dir = t.testdir({ 'cert.pem': 'CERT', 'key.pem': 'KEY' });
  const files = readTlsFiles({ TLS_CERT_FILE: `${dir}/cert.pem`, TLS_KEY_FILE: `${dir}/key.pem` });
  t.equal(files.cert.toString(), 'CERT');
  t.equal(files.key.toString(), 'KEY');
});

t.test('a missing file names the variable and the path', async (t) => {
  const dir = t.testdir({ 'cert.pem': 'CERT' });
  t.throws(() => readTlsFiles({ TLS_CERT_FILE: `${dir}/nope.pem`, TLS_KEY_FILE: `${dir}/key.pem` }),
    { message: new RegExp(`^TLS_CERT_FILE=${dir}/nope.pem: cannot read the file \\(ENOENT`) });
  t.throws(() => readTlsFiles({ TLS_CERT_FILE: `${dir}/cert.pem`, TLS_KEY_FILE: `${dir}/key.pem` }),
    { message: /^TLS_KEY_FILE=.*key\.pem: cannot read the file .*expected a readable PEM file/ });
});
