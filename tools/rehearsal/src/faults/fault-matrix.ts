// `pnpm rehearse --faults`: every scenario of the matrix against one stage under load, one after
// the other, each from a whole stage; then the real release CLI on each watched deployment; then
// the table and the verdict.
import { seconds } from '../report.ts';
import { matrixTable } from './matrix-table.ts';
import { verdict } from './matrix-verdict.ts';
import type { CliRun } from './release-watch.ts';
import { cliChecks, stageChecks } from './row-checks.ts';
import { check, type MatrixRow, type Scenario, type ScenarioContext, type ScenarioOutcome } from './scenario.ts';

export interface MatrixOptions {
  readonly context: ScenarioContext;
  readonly scenarios: readonly Scenario[];
  /** Longest wait for a whole stage after a scenario. */
  readonly wholeBoundMs: number;
  readonly watch: (deploymentId: string) => Promise<CliRun>;
}

export interface MatrixResult {
  readonly rows: readonly MatrixRow[];
  readonly table: string;
  readonly problems: readonly string[];
}

export async function runMatrix(o: MatrixOptions): Promise<MatrixResult> {
  const { stage, log } = o.context;
  const rows: MatrixRow[] = [];
  for (const scenario of o.scenarios) {
    log(`${scenario.id}: ${scenario.fault}`);
    stage.load.takeCounts();
    let outcome: ScenarioOutcome;
    try {
      outcome = await scenario.run(o.context);
    } catch (error) {
      // The fault broke the rehearsal itself: the row says so and the stage is rebuilt no further.
      outcome = {
        faultAt: performance.now(),
        version: stage.lastGoodVersion,
        maxFailed: 0,
        checks: [check('the scenario ran', false, (error as Error).message)],
      };
    }
    if (outcome.skipped !== undefined) {
      log(`  not applicable: ${outcome.skipped}`);
      rows.push({ scenario, outcome, load: stage.load.takeCounts(), serving: {}, wholeMs: undefined, checks: [] });
      continue;
    }
    const wholeAt = await stage.waitWhole(outcome.version, o.wholeBoundMs);
    const load = stage.load.takeCounts();
    const serving = await stage.serving();
    const wholeMs = wholeAt === undefined ? undefined : wholeAt - outcome.faultAt;
    const checks = stageChecks(outcome, load, serving, wholeMs, stage.active);
    rows.push({ scenario, outcome, load, serving, wholeMs, checks });
    log(
      `  ${load.sent} requests, ${load.failed} failed; ${Object.entries(serving)
        .map(([h, v]) => `${h} ${v}`)
        .join(', ')}; whole after ${wholeMs === undefined ? 'never' : seconds(wholeMs)}`,
    );
  }
  await stage.load.stop();
  const watched = await Promise.all(
    rows.map(async (row) => {
      const watch = row.outcome.watch;
      if (watch === undefined) return row;
      const cli = await o.watch(watch.deploymentId);
      return { ...row, cli, checks: [...row.checks, ...cliChecks(row.outcome, cli)] };
    }),
  );
  return { rows: watched, table: matrixTable(watched, o.context.release.version), problems: verdict(watched) };
}
