// Where `pnpm start` keeps its self-signed localhost certificate (apps/hello/src/dev/local-serve.ts,
// DEFAULT_CERT_DIR = apps/hello/.certs), found from this file's place in the checkout so smoke
// trusts it from any working directory.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Relative to the workspace root (the directory with pnpm-workspace.yaml). */
export const LOCAL_CERTIFICATE = join('apps', 'hello', '.certs', 'cert.pem');

/** The local certificate of the checkout that holds `fromDir`, if it exists; undefined elsewhere (a downloaded bundle). */
export function findLocalCertificate(fromDir: string): string | undefined {
  let dir = fromDir;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    if (dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
  const file = join(dir, LOCAL_CERTIFICATE);
  return existsSync(file) ? file : undefined;
}

/** Whether a URL points at this machine: only then is the local certificate trusted by default. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
