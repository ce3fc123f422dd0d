import t, { type Test } from 'tap';
import { DeploymentBook, HEALTH_CONSTRAINTS, INSTANCE_EVENTS } from '../../src/faults/deployment-book.ts';
import { emptyCounts, type LoadCounts } from '../../src/load-generator.ts';
import { runMatrix } from '../../src/faults/fault-matrix.ts';
import {
  check,
  type Scenario,
  type ScenarioContext,
  type Check,
  type MatrixRow,
  type ScenarioOutcome,
} from '../../src/faults/scenario.ts';
import type { Stage, StageHost } from '../../src/faults/stage.ts';
import { cliSummary, matrixTable } from '../../src/faults/matrix-table.ts';
import { verdict } from '../../src/faults/matrix-verdict.ts';
import { createHash } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { hostLayout } from '../../src/host-layout.ts';
import { cliChecks, currentIsComplete, currentOf, stageChecks } from '../../src/faults/row-checks.ts';

// The stand-in CodeDeploy's record: statuses as CodeDeploy's API reports them.
t.test('deployment-book.ts', async (t) => {
  /** A clock that ticks one second at each reading. */
  const clock = () => {
    let now = 0;
    return () => new Date(++now * 1000);
  };

  t.test('a host through every event succeeds; the deployment says so', async (t) => {
    const book = new DeploymentBook(clock());
    const id = book.create('app', 'staging', ['h1', 'h2']);
    t.equal(id, 'd-REHEARSAL001');
    for (const e of INSTANCE_EVENTS) {
      book.event(id, 'h1', e, 'InProgress');
      book.event(id, 'h1', e, 'Succeeded');
    }
    book.finish(id, 'Succeeded');
    const d = book.get(id)!;
    t.same(
      [d.status, d.errorInformation, d.targets.map((x) => x.status)],
      ['Succeeded', undefined, ['Succeeded', 'Skipped']],
    );
    t.same(d.targets[0]!.lifecycleEvents[0], {
      lifecycleEventName: 'BeforeBlockTraffic',
      status: 'Succeeded',
      startTime: new Date(4000),
      endTime: new Date(5000),
    });
    t.ok(
      d.targets[1]!.lifecycleEvents.every((e) => e.status === 'Skipped'),
      'a host never reached is Skipped',
    );
  });

  t.test('a failed event fails its host and skips the rest; a lost host keeps the event it was in', async (t) => {
    const book = new DeploymentBook(clock());
    const id = book.create('app', 'staging', ['h1', 'h2']);
    book.event(id, 'h1', 'ValidateService', 'InProgress');
    const diagnostics = { errorCode: 'ScriptFailed' as const, scriptName: 's', message: 'm', logTail: 'l' };
    book.event(id, 'h1', 'ValidateService', 'Failed', diagnostics);
    book.event(id, 'h2', 'BeforeInstall', 'InProgress');
    book.lost(id, 'h2');
    book.finish(id, 'Failed');
    const [h1, h2] = book.get(id)!.targets;
    t.equal(h1!.status, 'Failed');
    t.match(
      h1!.lifecycleEvents.find((e) => e.lifecycleEventName === 'ValidateService'),
      { status: 'Failed', diagnostics },
    );
    t.equal(h1!.lifecycleEvents.at(-1)!.status, 'Skipped');
    t.equal(h2!.status, 'Failed');
    t.equal(h2!.lifecycleEvents.find((e) => e.lifecycleEventName === 'BeforeInstall')!.status, 'InProgress');
    t.same(book.get(id)!.errorInformation, HEALTH_CONSTRAINTS);
    t.throws(() => book.event(id, 'h9', 'Install', 'InProgress'), /deployment d-REHEARSAL001 has no target h9/);
    t.equal(book.get('d-NONE'), undefined);
  });

  t.test('real time by default', async (t) => {
    const book = new DeploymentBook();
    t.ok(book.get(book.create('a', 'g', []))!.createTime.getTime() > 0);
  });
});

// The matrix runner over a stage that only counts, with scenarios that only report.
t.test('fault-matrix.ts', async (t) => {
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
});

t.test('matrix-table.ts', async (t) => {
  const row = (fault: string, checks: Check[], o: Partial<MatrixRow> = {}, control = false): MatrixRow => ({
    scenario: {
      id: fault,
      fault,
      goal: 'g',
      ...(control ? { control } : {}),
      run: () => Promise.reject(new Error('no')),
    },
    outcome: { faultAt: 0, version: 'v', maxFailed: 0, checks: [] },
    load: { ...emptyCounts(), sent: 100, failed: 3 },
    serving: { h1: 'v1', h2: 'v1' },
    wholeMs: 4200,
    checks,
    ...o,
  });

  t.test('what the CLI said: the failing host first, else the success, else the error', async (t) => {
    t.equal(cliSummary(undefined), '—');
    t.equal(
      cliSummary({
        code: 1,
        stdout: '',
        stderr: 'error: deployment d-1 Failed\nhost h2 failed at Install: UnknownError: ENOSPC\n',
      }),
      'exit 1: host h2 failed at Install: UnknownError: ENOSPC',
    );
    t.equal(
      cliSummary({ code: 0, stdout: 'h1 Succeeded\ndeployment d-1 succeeded on 2 host(s)\n', stderr: '' }),
      'exit 0: deployment d-1 succeeded on 2 host(s)',
    );
    t.equal(cliSummary({ code: 1, stdout: '', stderr: 'error: no credentials\n' }), 'exit 1: error: no credentials');
    t.equal(cliSummary({ code: 1, stdout: '', stderr: '' }), 'exit 1: (nothing)');
  });

  t.test('one Markdown row per fault, with its goal', async (t) => {
    const table = matrixTable(
      [
        row('a | b', [check('x', true)], {
          cli: { code: 0, stdout: 'deployment d-1 succeeded on 2 host(s)', stderr: '' },
        }),
        row('broken', [check('no failed request', false, '3 failed: HTTP 503')], {
          wholeMs: undefined,
          serving: { h1: 'v1', h2: 'v2' },
        }),
        row('control', [check('no failed request', false, '3 failed: HTTP 503')], {}, true),
        row('blind control', [check('no failed request', true)], {}, true),
        row('control without detail', [check('no failed request', false)], {}, true),
        row('n/a', [], {
          outcome: { faultAt: 0, version: 'v', maxFailed: undefined, checks: [], skipped: 'no | such' },
        }),
      ],
      'v1',
    );
    const [legend, , ...lines] = table.trimEnd().split('\n');
    t.equal(legend, 'B is release v1.');
    t.equal(lines.length, 8);
    t.equal(
      lines[2],
      '| a \\| b | 100 / 3 | h1 B, h2 B | 4.2s | exit 0: deployment d-1 succeeded on 2 host(s) | met |',
    );
    t.match(lines[3], '| h1 B, h2 v2 | not whole | — | **not met**: no failed request |');
    t.match(lines[4], '| fails, as it must (3 failed) |');
    t.match(lines[5], '| **met: the matrix cannot see this fault** |');
    t.match(lines[6], '| fails, as it must (no failed request) |');
    t.equal(lines[7], '| n/a | — | — | — | — | not applicable: no \\| such |');
  });
});

// The run's verdict: a goal broken on purpose fails the run; a control that passes fails it too.
t.test('matrix-verdict.ts', async (t) => {
  const scenario = (id: string, control = false): Scenario => ({
    id,
    fault: id,
    goal: 'no failed request',
    ...(control ? { control } : {}),
    run: () => Promise.reject(new Error('not run here')),
  });
  const row = (s: Scenario, checks: Check[]): MatrixRow => ({
    scenario: s,
    outcome: { faultAt: 0, version: 'v', maxFailed: 0, checks: [] },
    load: emptyCounts(),
    serving: {},
    wholeMs: 1,
    checks,
  });
  const met = check('no failed request', true);
  const broken = check('no failed request', false, '12 failed');

  t.test('every goal met: no problem', async (t) => {
    t.same(verdict([row(scenario('a'), [met]), row(scenario('control', true), [broken])]), []);
  });

  t.test('a scenario whose goal is broken fails the run, naming it and what was seen', async (t) => {
    t.same(verdict([row(scenario('drain'), [met, broken])]), ['drain: no failed request (12 failed)']);
    t.same(verdict([row(scenario('x'), [check('ran', false)])]), ['x: ran']);
  });

  t.test('a control that meets its goal fails the run: the matrix could not see that fault', async (t) => {
    t.same(verdict([row(scenario('control', true), [met])]), [
      'control: a control scenario met its goal, so the matrix cannot see this fault',
    ]);
  });
});

// The checks every row gets, on host trees of the layout the hooks write.
t.test('row-checks.ts', async (t) => {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');

  /** A host whose `current` names release `v1` (complete, or with a file `broken`). */
  function host(t: Test, broken = false): StageHost {
    const dir = t.testdir({
      h1: {
        opt: {
          releases: {
            v1: {
              'release.json': JSON.stringify({ version: 'v1', files: { 'a.js': sha('a'), 'b.js': sha('b') } }),
              'a.js': 'a',
              ...(broken ? {} : { 'b.js': 'b' }),
            },
          },
        },
      },
    });
    const layout = hostLayout(dir, 'h1', 1);
    symlinkSync('releases/v1', join(layout.root, 'current'));
    return { name: 'h1', layout } as StageHost;
  }

  t.test('current names a complete release, or the check says what is missing', async (t) => {
    t.same(currentIsComplete(host(t)), { what: 'h1: current names a complete release', ok: true });
    t.same(currentIsComplete(host(t, true)), {
      what: 'h1: current names a complete release',
      ok: false,
      seen: 'releases/v1: b.js',
    });
    const bare = { name: 'h2', layout: hostLayout(t.testdir({}), 'h2', 1) } as StageHost;
    t.equal(currentOf(bare), 'none');
    t.match(currentIsComplete(bare), { ok: false, seen: 'current -> none' });
  });

  const outcome: ScenarioOutcome = { faultAt: 0, version: 'v1', maxFailed: 0, checks: [] };

  t.test('requests, versions and a whole stage', async (t) => {
    const h = host(t);
    const clean = stageChecks(outcome, { ...emptyCounts(), sent: 10 }, { h1: 'v1' }, 1000, [h]);
    t.ok(
      clean.every((c) => c.ok),
      JSON.stringify(clean),
    );
    const bad = stageChecks(
      outcome,
      { sent: 10, failed: 2, versions: {}, failures: ['HTTP 503'] },
      { h1: 'v0' },
      undefined,
      [],
    );
    t.same(bad, [
      {
        what: 'at most 0 failed request(s) at the load balancer',
        ok: false,
        seen: '2 failed: HTTP 503',
      },
      { what: 'every host serves v1', ok: false, seen: 'h1 v0' },
      { what: 'the stage is whole again', ok: false, seen: 'not within the bound' },
    ]);
    t.equal(stageChecks({ ...outcome, maxFailed: undefined }, emptyCounts(), {}, 1, []).length, 2, 'no request goal');
  });

  t.test('the release CLI: exit 0 on success; non-zero and host, event, cause on failure', async (t) => {
    const watch = (expect: 'Succeeded' | 'Failed') => ({
      ...outcome,
      watch: { deploymentId: 'd-1', expect, names: ['h2', 'Install'] },
    });
    t.same(cliChecks(watch('Succeeded'), { code: 0, stdout: '', stderr: '' }), [
      { what: 'the release CLI exits 0', ok: true },
    ]);
    t.same(
      cliChecks(watch('Failed'), { code: 1, stdout: '', stderr: 'host h2 failed at Install' }).map((c) => c.ok),
      [true, true],
    );
    t.same(cliChecks(watch('Failed'), { code: 0, stdout: '', stderr: 'host h2' }), [
      { what: 'the release CLI exits non-zero', ok: false, seen: 'exit 0' },
      { what: 'the release CLI names h2, Install', ok: false, seen: 'no Install in: host h2' },
    ]);
    t.same(
      cliChecks({ ...outcome, watch: { deploymentId: 'd-1', expect: 'Failed' } }, { code: 1, stdout: '', stderr: '' })
        .length,
      2,
    );
  });
});
