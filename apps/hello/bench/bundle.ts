// Bundles an entry into one file, as the release does, so cold starts compare like with like.
import { build } from 'esbuild';

// ESM output of CommonJS dependencies (fastify, pino) needs a real require for Node's built-ins.
const BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export async function bundle(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['pino-pretty'],
    banner: { js: BANNER },
    logLevel: 'error',
  });
  return outfile;
}
