// The matrix runner over a stage that only counts, with scenarios that only report.
import t from 'tap';
import { emptyCounts, type LoadCounts } from '../../src/load-generator.ts';
import { runMatrix } from '../../src/faults/fault-matrix.ts';
import { check, type Scenario, type ScenarioContext } from '../../src/faults/scenario.ts';
import type { Stage } from '../../src/faults/stage.ts';

function fakeStage(windows: LoadCounts[], whole: (number | undefined)[]) {
  const calls: string[] = [];
  const stage = {
    active: [],
    lastGoodVersion: 'v1',
    load: {
      takeCounts: () => windows.shift() ?? emptyCounts(),
      stop: async () => void calls.push('load stopped'),
    },
    waitWhole: async (version: string) => {
      calls.push(`whole ${version}`);
      return whole.shift();
    },
    serving: async () => ({ h1: 'v1' }),
  };
  return { stage: stage as unknown as Stage, calls };
}

const scenario = (id: string, run: Scenario['run'], control = false): Scenario => ({
  id,
  fault: `${id} fault`,
  goal: 'g',
  ...(control ? { control } : {}),
  run,
});

t.test('each scenario from a fresh load window to a whole stage, then the CLI on what it watched', async (t) => {
  const { stage, calls } = fakeStage(
    [
      emptyCounts(),
      { sent: 50, failed: 0, versions: {}, failures: [] },
      emptyCounts(),
      { sent: 9, failed: 4, versions: {}, failures: ['x'] },
    ],
    [1500, 2000],
  );
  const lines: string[] = [];
  const context = {
    stage,
    release: { version: 'v1' },
    log: (l: string) => lines.push(l),
  } as unknown as ScenarioContext;
  const watched: string[] = [];
  const result = await runMatrix({
    context,
    scenarios: [
      scenario('good', async () => ({
        faultAt: 500,
        version: 'v1',
        maxFailed: 0,
        watch: { deploymentId: 'd-1', expect: 'Succeeded' },
        checks: [check('deployed', true)],
      })),
      scenario('boom', () => Promise.reject(new Error('haproxy went away'))),
    ],
    wholeBoundMs: 1000,
    watch: async (id) => {
      watched.push(id);
      return { code: 0, stdout: `deployment ${id} succeeded on 1 host(s)`, stderr: '' };
    },
  });
  t.same(watched, ['d-1']);
  t.same(calls, ['whole v1', 'whole v1', 'load stopped'], 'the load stops before the CLI runs');
  const [good, boom] = result.rows;
  t.same([good!.load.sent, good!.wholeMs, good!.cli?.code], [50, 1000, 0]);
  t.same(
    good!.checks.map((c) => [c.what, c.ok]),
    [
      ['deployed', true],
      ['at most 0 failed request(s) at the load balancer', true],
      ['every host serves v1', true],
      ['the stage is whole again', true],
      ['the release CLI exits 0', true],
    ],
  );
  t.equal(boom!.cli, undefined);
  t.same(result.problems, [
    'boom: the scenario ran (haproxy went away)',
    'boom: at most 0 failed request(s) at the load balancer (4 failed: x)',
  ]);
  t.match(result.table, '| boom fault | 9 / 4 | h1 B |');
  t.match(lines, [
    'good: good fault',
    /^ {2}50 requests, 0 failed; h1 v1; whole after 1\.0s$/,
    'boom: boom fault',
    /whole after /,
  ]);
});

t.test('a stage that does not come back whole is a problem of its own', async (t) => {
  const { stage } = fakeStage([], [undefined]);
  const result = await runMatrix({
    context: { stage, release: { version: 'v1' }, log: () => {} } as unknown as ScenarioContext,
    scenarios: [scenario('slow', async () => ({ faultAt: 0, version: 'v1', maxFailed: undefined, checks: [] }))],
    wholeBoundMs: 10,
    watch: () => Promise.reject(new Error('not watched')),
  });
  t.same(result.problems, ['slow: the stage is whole again (not within the bound)']);
  t.match(result.rows[0], { wholeMs: undefined });
});

t.test('a scenario that does not apply to the project: a row that says why, nothing checked', async (t) => {
  const { stage, calls } = fakeStage([], []);
  const lines: string[] = [];
  const result = await runMatrix({
    context: { stage, release: { version: 'v1' }, log: (l: string) => lines.push(l) } as unknown as ScenarioContext,
    scenarios: [
      scenario('secrets', async () => ({
        skipped: 'none named',
        faultAt: 0,
        version: 'v1',
        maxFailed: undefined,
        checks: [],
      })),
    ],
    wholeBoundMs: 10,
    watch: () => Promise.reject(new Error('not watched')),
  });
  t.same(result.problems, []);
  t.same(result.rows[0]!.checks, []);
  t.same(calls, ['load stopped'], 'no wait for a whole stage');
  t.same(lines, ['secrets: secrets fault', '  not applicable: none named']);
  t.match(result.table, '| secrets fault | — | — | — | — | not applicable: none named |');
});
