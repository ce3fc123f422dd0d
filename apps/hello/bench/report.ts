// The bench's tables: each metric for the three servers with the ratios the goals are about, and
// (BENCH_VARIANTS=1) the service without each public means it uses, against the service.
import type { LoadResult } from './load.ts';
import { median, pairedRatio, verdict } from './stats.ts';

export interface Measured {
  readonly rounds: number;
  readonly results: Readonly<Record<string, readonly LoadResult[]>>;
  readonly cpuPerRequest: Readonly<Record<string, readonly number[]>>;
  readonly cold: Readonly<Record<string, readonly number[]>>;
  /** One reading per server, after the load rounds. */
  readonly rss: Readonly<Record<string, number>>;
}

/** The goals of the service against the reference: throughput, p99, cold start, RSS. */
export const GOALS = { throughput: 1.0, p99: 0.7, coldStart: 0.8, rss: 0.8 } as const;

type Metric = readonly [label: string, values: (name: string) => readonly number[], digits: number];

function metrics(m: Measured): [...Metric, higherIsBetter: boolean, goal: number | undefined][] {
  const load = (pick: (r: LoadResult) => number) => (name: string) => (m.results[name] ?? []).map(pick);
  return [
    ['throughput (req/s)', load((r) => r.requestsPerSecond), 0, true, GOALS.throughput],
    ['p99 latency (ms)', load((r) => r.p99Ms), 2, false, GOALS.p99],
    ['CPU per request (µs)', (n) => m.cpuPerRequest[n] ?? [], 1, false, undefined],
    ['cold start, spawn to 200 (ms)', (n) => m.cold[n] ?? [], 0, false, GOALS.coldStart],
    ['RSS after load (MiB)', (n) => [m.rss[n] ?? NaN], 1, false, GOALS.rss],
  ];
}

const row = (cells: readonly string[]) =>
  `| ${cells[0]!.padEnd(30)} | ${cells
    .slice(1)
    .map((c) => c.padStart(10))
    .join(' | ')} |`;
const rule = (columns: number) => `|${'-'.repeat(32)}|${'-----------:|'.repeat(columns)}`;

export function mainTable(m: Measured): string {
  const out = [
    row([`median of ${m.rounds} paired rounds`, 'service', 'reference', 'raw', 'svc / ref', 'svc / raw', 'ref / raw']),
    rule(6),
  ];
  const goals: string[] = [];
  for (const [label, values, digits, higherIsBetter, goal] of metrics(m)) {
    const [s, r, w] = [values('service'), values('reference'), values('raw')];
    const vsRef = pairedRatio(s, r);
    const cells = [median(s), median(r), median(w)].map((v) => v.toFixed(digits));
    out.push(row([label, ...cells, ...[vsRef, pairedRatio(s, w), pairedRatio(r, w)].map((v) => v.toFixed(2))]));
    if (goal !== undefined) goals.push(`${label.replace(/ \(.*/, '')} ${verdict(vsRef, goal, higherIsBetter)}`);
  }
  return `${out.join('\n')}\n\nservice / reference: ${goals.join('; ')}`;
}

/** Each variant's median and its paired ratio to the service. */
export function variantsTable(m: Measured, variants: readonly string[]): string {
  const out = [row(['variant / service', 'service', ...variants.flatMap((v) => [v, 'ratio'])])];
  out.push(rule(1 + variants.length * 2));
  for (const [label, values, digits] of metrics(m)) {
    const s = values('service');
    const cells = variants.flatMap((v) => [median(values(v)).toFixed(digits), pairedRatio(values(v), s).toFixed(2)]);
    out.push(row([label, median(s).toFixed(digits), ...cells]));
  }
  return out.join('\n');
}
