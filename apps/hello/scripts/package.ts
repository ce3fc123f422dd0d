// Entry of `pnpm package` (see package-cli.ts).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageCli } from './package-cli.ts';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
process.exitCode = await packageCli({
  argv: process.argv.slice(2),
  env: process.env,
  git: (args) =>
    execFileSync('git', args, { cwd: appDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
  appDir,
  outDir: join(appDir, 'artifacts'),
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
});
