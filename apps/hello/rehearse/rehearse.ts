// Entry of `pnpm rehearse` (see rehearse-cli.ts and rehearsal.ts).
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingTools, rehearseCli, TIME_LIMIT_MS } from './rehearse-cli.ts';
import { rehearse } from './rehearsal.ts';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
// process.exit runs the rehearsal's exit handler, which stops every process it started.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
const watchdog = setTimeout(() => {
  process.stderr.write(`rehearse: gave up after ${TIME_LIMIT_MS / 1000}s\n`);
  process.exit(1);
}, TIME_LIMIT_MS);
process.exitCode = await rehearseCli({
  argv: process.argv.slice(2),
  env: process.env,
  git: (args) =>
    execFileSync('git', args, { cwd: appDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
  appDir,
  run: rehearse,
  missingTools,
  uid: process.geteuid!(),
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
});
clearTimeout(watchdog);
