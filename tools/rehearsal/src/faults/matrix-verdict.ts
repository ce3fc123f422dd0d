// Whether the matrix passed: every row meets its goal, and every control row fails its own (a
// control that passes means the matrix cannot see that failure).
import type { Check, MatrixRow } from './scenario.ts';

/** Checks not met: each fails the run. */
export const failing = (checks: readonly Check[]): Check[] => checks.filter((c) => !c.ok);

/** The problems of the run; none means it passed. */
export function verdict(rows: readonly MatrixRow[]): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const id = row.scenario.id;
    const bad = failing(row.checks);
    if (row.scenario.control === true) {
      if (bad.length === 0)
        problems.push(`${id}: a control scenario met its goal, so the matrix cannot see this fault`);
    } else {
      for (const c of bad) problems.push(`${id}: ${c.what}${c.seen === undefined ? '' : ` (${c.seen})`}`);
    }
  }
  return problems;
}
