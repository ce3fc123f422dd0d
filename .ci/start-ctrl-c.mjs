// `pnpm start`, then Ctrl-C as a terminal sends it (SIGINT to the whole foreground process group):
// must exit 0 without pnpm's ERR_PNPM_*/ELIFECYCLE lines. Run from the repository root.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';

const probe = createServer().listen(0, '127.0.0.1');
await once(probe, 'listening');
const port = String(probe.address().port);
probe.close();

const start = spawn('pnpm', ['start'], {
  env: { ...process.env, PORT: port, FORCE_COLOR: '0' },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true, // its own process group, like a terminal's foreground job
});
let out = '';
for (const stream of [start.stdout, start.stderr]) stream.setEncoding('utf8').on('data', (c) => (out += c));
const exited = once(start, 'exit');
const began = Date.now();
const deadline = setTimeout(() => process.kill(-start.pid, 'SIGKILL'), 300_000);
while (!/Server listening at/.test(out) && start.exitCode === null) await once(start.stdout, 'data');
const ready = (Date.now() - began) / 1000;
if (start.exitCode === null) process.kill(-start.pid, 'SIGINT');
const [code, signal] = await exited;
clearTimeout(deadline);

const problems = [];
if (!/^pnpm start: building/m.test(out)) problems.push('no "building" line before the build');
if (code !== 0) problems.push(`exit code ${code} signal ${signal}`);
if (/ERR_PNPM|ELIFECYCLE/.test(out)) problems.push('pnpm error lines');
console.log(`pnpm start: listening after ${ready.toFixed(1)} s; Ctrl-C: exit ${code ?? signal}`);
if (problems.length > 0) {
  console.error(`${out}\npnpm start / Ctrl-C check failed: ${problems.join('; ')}`);
  process.exit(1);
}
