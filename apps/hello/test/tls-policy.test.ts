// The TLS policy as a real client meets it: TLS 1.2 only with ECDHE and AEAD ciphers, TLS 1.3 as
// Node enables it. The test certificate is EC, so the ECDSA suites are the ones that can succeed.
import t from 'tap';
import { connect, type SecureVersion } from 'node:tls';
import { build, listen } from './helpers/build.ts';
import { testCertificate } from './helpers/certificate.ts';

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
