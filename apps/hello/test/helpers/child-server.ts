// Runs src/server.ts (or another entry) as a real process, the way systemd does: explicit
// environment, stdout not a TTY. Node strips the types itself (tap's own loaders would take
// seconds to load in every child); tap's coverage hooks come along in NODE_OPTIONS.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { SERVICE_ENV_NAMES } from '@hello/config/service-env';

export interface ChildServer {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves once the log says it listens; rejects if the process exits first. */
  readonly listening: Promise<void>;
}

const entry = (file: string) => new URL(`../../src/${file}`, import.meta.url).pathname;

/** Node 22.18 and later strip TypeScript types by default; 22.13 to 22.17 need the flag. */
export const TYPE_STRIPPING: readonly string[] = process.features.typescript
  ? []
  : ['--experimental-strip-types', '--disable-warning=ExperimentalWarning'];

export function startChild(file: string, env: Record<string, string>, args: string[] = []): ChildServer {
  // The real environment stays out, except what Node and tap need; the service's own variables
  // come only from the test.
  const base: Record<string, string | undefined> = { ...process.env };
  for (const name of SERVICE_ENV_NAMES) delete base[name];
  const child = spawn(process.execPath, [...TYPE_STRIPPING, entry(file), ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (out.includes('Server listening at')) resolve();
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${out}\n${err}`)));
  });
  listening.catch(() => undefined);
  return { child, stdout: () => out, stderr: () => err, exited, listening };
}

/** The JSON log lines the process wrote to stdout. */
export function logLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
