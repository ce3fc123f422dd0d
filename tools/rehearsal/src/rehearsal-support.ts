// Small helpers of the rehearsal: free loopback ports, a certificate for haproxy, and a look at
// which version a host serves.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { VERSION_PATH } from '@hello/config/constants';

/** Whether a user other than root can reach `path` (every directory above it has o+x). */
export function worldReachable(path: string): boolean {
  let dir = dirname(path);
  while ((statSync(dir).mode & 0o001) !== 0) {
    if (dir === dirname(dir)) return true;
    dir = dirname(dir);
  }
  return false;
}

/**
 * This Node, as a path the service's own user can run: itself, or a copy in `dir` when it sits
 * where others cannot reach (for example under /root).
 */
export function reachableNode(dir: string, node = process.execPath): string {
  if (worldReachable(node)) return node;
  const copy = join(dir, 'node');
  copyFileSync(node, copy);
  chmodSync(copy, 0o755);
  return copy;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `count` distinct ports that were free on 127.0.0.1 a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Writes a self-signed certificate and key for localhost/127.0.0.1 to `pemFile`; returns the certificate. */
export function selfSignedPem(pemFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-cert-'));
  try {
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
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    writeFileSync(pemFile, cert + readFileSync(join(dir, 'key.pem'), 'utf8'), { mode: 0o600 });
    return cert;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GET https://127.0.0.1:<port><path>; hosts have self-signed certificates, so none is verified. */
export function getLocal(port: number, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, rejectUnauthorized: false, timeout: timeoutMs, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The version a host answers on VERSION_PATH right now, or what went wrong. */
export async function probeVersion(port: number): Promise<string> {
  try {
    const answer = await getLocal(port, VERSION_PATH, 2000);
    return String((JSON.parse(answer.body) as { version?: unknown }).version);
  } catch (error) {
    return `unreachable (${(error as Error).message})`;
  }
}

/**
 * A service unit and the socket unit of the same name (systemd.socket(5): a socket activates the
 * service that bears its name), in the order a shutdown stops them.
 */
export const unitAndSocket = (serviceUnit: string): string[] => [
  serviceUnit,
  serviceUnit.replace(/\.service$/, '.socket'),
];
