// Small helpers of the rehearsal: a certificate for haproxy, a Node the service user can run, and a
// look at which version a host serves.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getLocal } from '@hello/cli-kit/get-local';
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
