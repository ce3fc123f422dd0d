import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout } from 'node:timers/promises';
import { SERVICE_ENV_NAMES } from '@hello/config/service-env';
import { freePort } from '@hello/cli-kit/free-port';
import { TYPE_STRIPPING } from '../helpers/child-server.ts';
import { fetchOver } from '../helpers/client.ts';

const serveEntry = new URL('../../src/dev/serve.ts', import.meta.url).pathname;

// Ctrl-C as a terminal delivers it: to the whole foreground process group, while the pnpm layers
// above send their own copy a moment later. The server must see one SIGINT (a second means
// "force quit": exit 1) and serve must exit 0.
t.test('serve makes a certificate, serves the local stage, and Ctrl-C (twice over) exits 0', async (t) => {
  const dir = t.testdir({});
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of SERVICE_ENV_NAMES) delete env[name];
  // Detached: its own process group, which the test signals as a terminal would.
  const serve = spawn(process.execPath, [...TYPE_STRIPPING, serveEntry, dir], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const group = -serve.pid!;
  t.teardown(() => {
    if (serve.exitCode === null) process.kill(group, 'SIGKILL');
  });
  let out = '';
  serve.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  serve.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = once(serve, 'exit');
  while (!out.includes('Server listening at')) await once(serve.stdout, 'data');

  t.match(out, `created a self-signed certificate for localhost: ${dir}/cert.pem`);
  t.match(out, `serving https://localhost:${port}/`);
  const res = await fetchOver(port, '/', { ca: readFileSync(`${dir}/cert.pem`, 'utf8') });
  t.equal(res.status, 200);
  t.match(res.body, / in local\n$/);

  process.kill(group, 'SIGINT');
  await setTimeout(50); // pnpm passes it on from its own event loop, a moment later
  if (serve.exitCode === null) process.kill(serve.pid!, 'SIGINT');
  const [code, signal] = (await exited) as [number | null, string | null];
  t.same({ code, signal }, { code: 0, signal: null }, 'exits 0, not killed by a signal');
  t.match(out, '"signal":"SIGINT"');
  t.notMatch(out, /second SIGINT/);
});
