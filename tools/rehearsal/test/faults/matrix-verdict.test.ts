// The run's verdict: a goal broken on purpose fails the run; a control that passes fails it too.
import t from 'tap';
import { emptyCounts } from '../../src/load-generator.ts';
import { verdict } from '../../src/faults/matrix-verdict.ts';
import { check, type Check, type MatrixRow, type Scenario } from '../../src/faults/scenario.ts';

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
