// The matrix as a table (Markdown, so it goes into docs/rehearsal.md as printed): one row per
// fault with the load balancer's count, each host's version at the end, the time from the fault
// to a whole stage, and what the release CLI did.
import { seconds } from '../report.ts';
import { failing } from './matrix-verdict.ts';
import type { MatrixRow } from './scenario.ts';
import type { CliRun } from './release-watch.ts';

/** The line of the CLI's output a person reads first: the failing host, or the success. */
export function cliSummary(cli: CliRun | undefined): string {
  if (cli === undefined) return '—';
  const lines = `${cli.stderr}\n${cli.stdout}`.split('\n');
  const line =
    lines.find((l) => l.startsWith('host ')) ??
    lines.find((l) => / succeeded on \d+ host/.test(l)) ??
    lines.find((l) => l.startsWith('error: ')) ??
    '(nothing)';
  return `exit ${cli.code}: ${line.trim()}`;
}

/** The first clause of what a check saw (`354 failed: ...` -> `354 failed`). */
const briefly = (c: { readonly seen?: string; readonly what: string }): string => (c.seen ?? c.what).split(': ')[0]!;

function goal(row: MatrixRow): string {
  const bad = failing(row.checks);
  if (row.scenario.control === true)
    return bad.length > 0 ? `fails, as it must (${briefly(bad[0]!)})` : '**met: the matrix cannot see this fault**';
  return bad.length > 0 ? `**not met**: ${bad.map((c) => c.what).join('; ')}` : 'met';
}

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The table; `release` (the zip's version) shows as B, the name the rehearsal gives it. */
export function matrixTable(rows: readonly MatrixRow[], release: string): string {
  const lines = [
    `B is release ${release}.`,
    '',
    '| Fault | Requests sent / failed | End state per host | Fault to whole stage | Release CLI | Goal |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    if (row.outcome.skipped !== undefined) {
      lines.push(`| ${cell(row.scenario.fault)} | — | — | — | — | not applicable: ${cell(row.outcome.skipped)} |`);
      continue;
    }
    const hosts = Object.entries(row.serving)
      .map(([h, v]) => `${h} ${v === release ? 'B' : v}`)
      .join(', ');
    lines.push(
      `| ${[
        row.scenario.fault,
        `${row.load.sent} / ${row.load.failed}`,
        hosts,
        row.wholeMs === undefined ? 'not whole' : seconds(row.wholeMs),
        cliSummary(row.cli),
        goal(row),
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
