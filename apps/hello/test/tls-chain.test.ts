// The server trusts no CA (`ca: []` in server-options.ts, which spares Node loading its bundled
// roots at every start), and that changes nothing a client sees: a certificate file holding the
// leaf and its intermediate is sent whole, so a client that trusts only the root verifies it.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { buildServer } from '../src/build-server.ts';
import { createLogger } from '../src/logger.ts';
import { serverOptions } from '../src/server-options.ts';
import { TEST_APP } from './helpers/build.ts';

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
