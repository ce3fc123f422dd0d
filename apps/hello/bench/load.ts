// Keep-alive load over loopback: wrk when installed (C, cheap on the CPU), autocannon otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import autocannon from 'autocannon';

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

export interface LoadSettings {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
}

export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

export function parseWrk(output: string): LoadResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(output);
  const total = /(\d+) requests in/.exec(output);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  if (!rps || !p99 || !total) throw new Error(`cannot read wrk's output:\n${output}`);
  const socketErrors = socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0;
  return {
    requestsPerSecond: Number(rps[1]),
    p99Ms: Number(p99[1]) * (UNIT_MS[p99[2] ?? 'ms'] ?? 1),
    requests: Number(total[1]),
    errors: Number(errors?.[1] ?? 0) + socketErrors,
  };
}

export async function load(settings: LoadSettings, tool: 'wrk' | 'autocannon'): Promise<LoadResult> {
  if (tool === 'wrk') {
    const output = execFileSync(
      'wrk',
      ['-t1', `-c${settings.connections}`, `-d${settings.seconds}s`, '--latency', settings.url],
      { encoding: 'utf8' },
    );
    return parseWrk(output);
  }
  const result = await autocannon({ url: settings.url, connections: settings.connections, duration: settings.seconds });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.non2xx,
  };
}
