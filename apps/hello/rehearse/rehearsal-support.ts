// Small helpers of the rehearsal: free loopback ports, a certificate for haproxy, and a look at
// which version a host or a zip holds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { VERSION_PATH } from '@hello/config/constants';
import { getLocal } from '../host/probe-service.ts';
import { MANIFEST_FILE, parseReleaseManifest } from '../host/release-manifest.ts';

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

/** The version in a release zip's release.json. */
export function releaseVersionOf(zip: Uint8Array): string {
  const files = unzipSync(zip, { filter: (f) => f.name === MANIFEST_FILE });
  const manifest = files[MANIFEST_FILE];
  if (manifest === undefined) throw new Error(`the zip has no ${MANIFEST_FILE}`);
  return parseReleaseManifest(new TextDecoder().decode(manifest)).version;
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
