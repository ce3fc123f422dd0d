// Starting servers for the benchmark: spawn, time to the first 200, resident memory, stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { once } from 'node:events';

export interface Started {
  readonly child: ChildProcess;
  /** Milliseconds from spawn to the first 200 on GET /. */
  readonly coldStartMs: number;
}

export function get(url: string): Promise<{ status: number; rawHeaders: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body }));
    });
    req.on('error', reject);
    req.setTimeout(2_000, () => req.destroy(new Error(`no answer from ${url} in 2 s`)));
    req.end();
  });
}

/**
 * Spawns `node ...args` with env, stdout and stderr appended to logFile (not a TTY: as the unit's
 * StandardOutput=append:), and waits for a 200.
 */
export async function start(
  args: readonly string[],
  env: Record<string, string>,
  logFile: string,
  url: string,
): Promise<Started> {
  const file = args.at(-1) ?? '';
  const out = openSync(logFile, 'a');
  const t0 = performance.now();
  const child = spawn(process.execPath, [...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const deadline = t0 + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode} before answering`);
    try {
      if ((await get(url)).status === 200) return { child, coldStartMs: performance.now() - t0 };
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) throw new Error(`${file} did not answer 200 on ${url} within 10 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Resident set size in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** CPU time (user + system) the process has used so far, in milliseconds (Linux /proc, 100 Hz ticks). */
export function cpuMs(pid: number): number {
  // Fields after the command name, which sits in parentheses and may contain spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
