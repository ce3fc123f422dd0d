// Bundles the raw server into one file, as the release bundles the service, so the floor's cold
// start is not a TypeScript loader's.
import { build } from 'esbuild';
import { BUNDLE_TARGET } from '../scripts/bundle-code.ts';

export async function bundle(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    logLevel: 'error',
  });
  return outfile;
}
