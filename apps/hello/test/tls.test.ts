import t, { type Test } from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { readTlsFiles } from '../src/tls-files.ts';
import { testCertificate } from './helpers/certificate.ts';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import { buildServer } from '../src/build-server.ts';
import { createLogger } from '../src/logger.ts';
import { serverOptions } from '../src/server-options.ts';
import { TEST_APP, build, listen } from './helpers/build.ts';

t.test('tls-files.ts', async (t) => {
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
});

// The server trusts no CA (`ca: []` in server-options.ts, which spares Node loading its bundled
// roots at every start), and that changes nothing a client sees: a certificate file holding the
// leaf and its intermediate is sent whole, so a client that trusts only the root verifies it.
t.test('TLS chain', async (t) => {
  const dir = t.testdir({});
  const openssl = (...args: string[]) => {
    const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${run.stderr}`);
  };
  const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const sign = (name: string, issuer: string, extensions: string) => {
    openssl('req', ...EC, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  openssl(
    'req',
    '-x509',
    ...EC,
    '-days',
    '2',
    '-subj',
    '/CN=test root',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
  );
  sign('intermediate', 'root', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n');
  sign('localhost', 'intermediate', 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost\n');
  const read = (name: string) => readFileSync(join(dir, name));

  t.test('the server asks for no client certificate and trusts no CA', async (t) => {
    const { https } = serverOptions({
      tls: { cert: '', key: '' },
      logger: console as never,
      clientErrorHandler: () => undefined,
    });
    t.same(https?.ca, []);
    t.notOk(https?.requestCert);
  });

  async function handshake(t: Test, cert: Buffer): Promise<string> {
    const logger = await createLogger({ level: 'silent', pretty: false, destination: { write: () => true } });
    const { app } = await buildServer({ tls: { cert, key: read('localhost.key') }, logger, app: TEST_APP });
    await app.listen({ host: '127.0.0.1', port: 0 });
    t.teardown(() => app.close());
    const { port } = app.server.address() as { port: number };
    return new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: read('root.pem') }, () => {
        const sent: string[] = [];
        for (
          let c = socket.getPeerX509Certificate();
          c !== undefined && !sent.includes(c.subject);
          c = c.issuerCertificate
        )
          sent.push(c.subject);
        socket.destroy();
        resolve(`${socket.authorized ? 'verified' : 'unverified'}: ${sent.join(' < ')}`);
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code ?? error.message}`));
    });
  }

  t.test('a leaf + intermediate certificate file reaches a client that trusts only the root', async (t) => {
    t.equal(
      await handshake(t, Buffer.concat([read('localhost.pem'), read('intermediate.pem')])),
      'verified: CN=localhost < CN=intermediate',
    );
    t.equal(
      await handshake(t, read('localhost.pem')),
      'refused UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'the intermediate comes from the file, not a store',
    );
  });
});

// The TLS policy as a real client meets it: TLS 1.2 only with ECDHE and AEAD ciphers, TLS 1.3 as
// Node enables it. The test certificate is EC, so the ECDSA suites are the ones that can succeed.
t.test('TLS policy', async (t) => {
  const { app } = await build(t);
  const port = await listen(app);
  const { cert } = await testCertificate();

  function handshake(version: SecureVersion, ciphers?: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(
        {
          host: '127.0.0.1',
          port,
          ca: cert,
          servername: 'localhost',
          minVersion: version,
          maxVersion: version,
          ...(ciphers ? { ciphers } : {}),
        },
        () => {
          resolve(`${socket.getProtocol()} ${socket.getCipher().standardName}`);
          socket.destroy();
        },
      );
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code ?? error.message}`));
    });
  }

  t.test('TLS 1.2 with ECDHE and an AEAD cipher is accepted', async (t) => {
    t.equal(
      await handshake('TLSv1.2', 'ECDHE-ECDSA-AES128-GCM-SHA256'),
      'TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    );
    t.equal(
      await handshake('TLSv1.2', 'ECDHE-ECDSA-CHACHA20-POLY1305'),
      'TLSv1.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    );
  });

  t.test("TLS 1.2 refuses CBC, SHA-1, CCM8 and ARIA suites that Node's default list offers", async (t) => {
    for (const cipher of [
      'ECDHE-ECDSA-AES128-SHA',
      'ECDHE-ECDSA-AES256-SHA384',
      'ECDHE-ECDSA-AES128-CCM8',
      'ECDHE-ECDSA-ARIA128-GCM-SHA256',
    ]) {
      t.match(await handshake('TLSv1.2', cipher), /^refused /, cipher);
    }
  });

  t.test('TLS 1.3 works with its standard suites; TLS 1.1 is refused', async (t) => {
    t.match(await handshake('TLSv1.3'), /^TLSv1\.3 TLS_AES_(128|256)_GCM_SHA(256|384)$/);
    t.equal(await handshake('TLSv1.3', 'TLS_CHACHA20_POLY1305_SHA256'), 'TLSv1.3 TLS_CHACHA20_POLY1305_SHA256');
    t.match(await handshake('TLSv1.1'), /^refused /);
  });
});
