// A real HTTPS server on loopback with a self-signed certificate made by openssl, shaped like the
// one `pnpm start` makes (apps/hello/src/dev/local-certificate.ts: EC P-256, CN and SAN localhost,
// 127.0.0.1 and ::1, not a CA, serverAuth).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Test } from 'tap';

/** Listens on a port of its own on 127.0.0.1; the test's end closes it and every connection. */
export async function listenOnLoopback(t: Test, server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}

export interface LocalHttps {
  readonly url: string;
  readonly certFile: string;
  readonly cert: string;
}

export async function localHttps(
  t: Test,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LocalHttps> {
  const dir = t.testdir({});
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=digitalSignature',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certFile, 'utf8');
  const server = createServer({ cert, key: readFileSync(keyFile) }, handler);
  await listenOnLoopback(t, server);
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, certFile, cert };
}

/** The service's two smoke endpoints: /version reports `version`, / answers 200. */
export function serviceAt(version: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.url === '/version')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version }));
    else if (req.url === '/old') res.writeHead(301, { location: '/version' }).end();
    else res.writeHead(req.url === '/' ? 200 : 404).end('hello');
  };
}
