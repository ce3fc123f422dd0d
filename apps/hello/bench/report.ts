// The bench's table: each metric for the three servers, and the ratios that the goals are about.
import type { LoadResult } from './load.ts';
import { median, pairedRatio, verdict } from './stats.ts';
import type { ServerName } from './servers.ts';

type PerServer<T> = Record<ServerName, T>;

export interface Measured {
  readonly rounds: number;
  readonly results: PerServer<readonly LoadResult[]>;
  readonly cpuPerRequest: PerServer<readonly number[]>;
  readonly cold: PerServer<readonly number[]>;
  /** One reading per server, after the load rounds. */
  readonly rss: PerServer<number>;
}

/** The goals of the service against the reference (issue 19): throughput, p99, cold start, RSS. */
export const GOALS = { throughput: 1.0, p99: 0.7, coldStart: 0.8, rss: 0.8 } as const;

const row = (cells: readonly string[]) =>
  `| ${cells[0]!.padEnd(30)} | ${cells
    .slice(1)
    .map((c) => c.padStart(10))
    .join(' | ')} |`;

export function printTable(m: Measured): void {
  const metric = (pick: (r: LoadResult) => number) => (name: ServerName) => m.results[name].map(pick);
  const rps = metric((r) => r.requestsPerSecond);
  const p99 = metric((r) => r.p99Ms);
  const lines: [string, (name: ServerName) => readonly number[], number, boolean, number | undefined][] = [
    ['throughput (req/s)', rps, 0, true, GOALS.throughput],
    ['p99 latency (ms)', p99, 2, false, GOALS.p99],
    ['CPU per request (µs)', (n) => m.cpuPerRequest[n], 1, false, undefined],
    ['cold start, spawn to 200 (ms)', (n) => m.cold[n], 0, false, GOALS.coldStart],
    ['RSS after load (MiB)', (n) => [m.rss[n]], 1, false, GOALS.rss],
  ];
  const out = [
    row([`median of ${m.rounds} paired rounds`, 'service', 'reference', 'raw', 'svc / ref', 'svc / raw', 'ref / raw']),
    `|${'-'.repeat(32)}|${'-----------:|'.repeat(6)}`,
  ];
  const goals: string[] = [];
  for (const [label, values, digits, higherIsBetter, goal] of lines) {
    const [s, r, w] = [values('service'), values('reference'), values('raw')];
    const vsRef = pairedRatio(s, r);
    out.push(
      row([
        label,
        median(s).toFixed(digits),
        median(r).toFixed(digits),
        median(w).toFixed(digits),
        vsRef.toFixed(2),
        pairedRatio(s, w).toFixed(2),
        pairedRatio(r, w).toFixed(2),
      ]),
    );
    if (goal !== undefined) goals.push(`${label.replace(/ \(.*/, '')} ${verdict(vsRef, goal, higherIsBetter)}`);
  }
  console.log(`\n${out.join('\n')}\n\nservice / reference: ${goals.join('; ')}`);
}
