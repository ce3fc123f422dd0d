// Where `pnpm start` keeps its self-signed localhost certificate (LOCAL_CERTIFICATE in
// @hello/config/constants), found from this file's place in the checkout so smoke trusts it from
// any working directory.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LOCAL_CERTIFICATE } from '@hello/config/constants';

/** The local certificate of the checkout that holds `fromDir`, if it exists; undefined elsewhere (a downloaded bundle). */
export function findLocalCertificate(fromDir: string): string | undefined {
  let dir = fromDir;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    if (dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
  const file = join(dir, LOCAL_CERTIFICATE.dir, LOCAL_CERTIFICATE.certFile);
  return existsSync(file) ? file : undefined;
}

/** Whether a URL points at this machine: only then is the local certificate trusted by default. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
