// When each deploy job runs, by evaluating the real `if:` conditions with GitHub's expression
// library: merges, failed builds and stages, cancelled runs, manual runs of each target.
import t from 'tap';
import { jobRuns } from './helpers/job-condition.ts';
import { readWorkflow } from './helpers/real-workflows.ts';

const deploy = readWorkflow('workflows/deploy.yml');
const push = { github: { event_name: 'push' } };
const dispatch = (target: string) => ({
  github: { event_name: 'workflow_dispatch' },
  inputs: { version: 'abc', target, rollback: false },
});

void t.test('staging: after a successful build, unless a manual run targets prod only', (t) => {
  const staging = deploy.jobs.staging?.if;
  t.equal(deploy.jobs.build?.if, undefined, 'every run builds (or fetches) what it deploys');
  t.ok(jobRuns(staging, { ...push, needs: { build: { result: 'success' } } }), 'a built merge goes to staging');
  t.notOk(jobRuns(staging, { ...push, needs: { build: { result: 'failure' } } }), 'a failed build stops');
  t.notOk(jobRuns(staging, { ...push, needs: { build: { result: 'success' } } }, true), 'a cancelled run stops');
  t.ok(jobRuns(staging, { ...dispatch('staging-and-prod'), needs: { build: { result: 'success' } } }));
  t.ok(jobRuns(staging, { ...dispatch('staging'), needs: { build: { result: 'success' } } }));
  t.notOk(
    jobRuns(staging, { ...dispatch('prod'), needs: { build: { result: 'success' } } }),
    'a manual promotion leaves staging alone',
  );
  t.end();
});

void t.test('prod gate: after staging succeeded, or for a manual prod-only run', (t) => {
  const gate = deploy.jobs['prod-gate']?.if;
  const needs = (build: string, staging: string) => ({ build: { result: build }, staging: { result: staging } });
  t.ok(jobRuns(gate, { ...push, needs: needs('success', 'success') }));
  t.notOk(jobRuns(gate, { ...push, needs: needs('success', 'failure') }), 'staging failed: no prod');
  t.notOk(jobRuns(gate, { ...push, needs: needs('success', 'skipped') }), 'nothing reached staging: no prod');
  t.notOk(jobRuns(gate, { ...push, needs: needs('success', 'success') }, true), 'cancelled');
  t.ok(jobRuns(gate, { ...dispatch('prod'), needs: needs('success', 'skipped') }), 'a manual promotion');
  t.notOk(
    jobRuns(gate, { ...dispatch('prod'), needs: needs('failure', 'skipped') }),
    'a failed build stops a manual promotion too',
  );
  t.notOk(
    jobRuns(gate, { ...dispatch('staging-and-prod'), needs: needs('success', 'skipped') }),
    'staging was meant to run first',
  );
  t.end();
});

void t.test('prod: only when the gate succeeded and said promote', (t) => {
  const prod = deploy.jobs.prod?.if;
  const needs = (result: string, promote: string) => ({
    build: { result: 'success' },
    staging: { result: 'skipped' },
    'prod-gate': { result, outputs: { promote } },
  });
  t.ok(jobRuns(prod, { ...dispatch('prod'), needs: needs('success', 'true') }));
  t.notOk(jobRuns(prod, { ...push, needs: needs('success', 'false') }), 'the gate said no: nothing reaches prod');
  t.notOk(jobRuns(prod, { ...push, needs: needs('failure', '') }), 'the gate failed: nothing reaches prod');
  t.notOk(jobRuns(prod, { ...push, needs: needs('skipped', '') }), 'the gate was skipped: nothing reaches prod');
  t.notOk(jobRuns(prod, { ...push, needs: needs('success', 'true') }, true), 'cancelled');
  t.end();
});

void t.test('the condition helper follows GitHub: no status function means success() && ...', (t) => {
  const skipped = { github: { event_name: 'push' }, needs: { build: { result: 'skipped' } } };
  t.ok(jobRuns(undefined, { github: {}, needs: {} }));
  t.notOk(jobRuns(undefined, { github: {}, needs: {} }, true));
  t.notOk(jobRuns(undefined, skipped), 'a skipped need skips the job');
  t.notOk(jobRuns("github.event_name == 'push'", skipped), 'even with a condition that holds');
  t.ok(jobRuns("${{ !cancelled() && github.event_name == 'push' }}", skipped), 'unless it calls a status function');
  t.ok(jobRuns('always() && !failure()', { github: {}, needs: { a: { result: 'success' } } }));
  t.notOk(jobRuns('failure()', { github: {}, needs: { a: { result: 'success' } } }));
  t.end();
});
