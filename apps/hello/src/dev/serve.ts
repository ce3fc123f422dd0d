// `pnpm start`: a localhost certificate made once (apps/hello/.certs), then the built server as a
// child in its own process group. Ctrl-C reaches every process of the terminal's foreground group,
// and each pnpm layer forwards it once more: a server that saw two SIGINTs would take the second
// as "force quit" (close-with-grace exits 1). The child gets exactly one signal from here, and
// this process exits with the child's code. Optional argument: a certificate directory.
import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeOf, forwardFirstStopSignal, prepareLocalServe, STOP_SIGNALS } from './local-serve.ts';

process.stdout.write(await prepareLocalServe(process.env, process.argv[2]));

// server.js next to dist/dev, or server.ts when tests run the sources.
const entry = fileURLToPath(new URL(`../server${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
const server = spawn(process.execPath, [...process.execArgv, entry], {
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: true,
});

const forward = forwardFirstStopSignal((signal) => server.kill(signal));
for (const signal of Object.keys(STOP_SIGNALS) as (keyof typeof STOP_SIGNALS)[]) process.on(signal, forward);
server.on('exit', (code, signal) => process.exit(exitCodeOf(code, signal)));
