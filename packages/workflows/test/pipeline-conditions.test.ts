// When each deploy job runs, by evaluating the real `if:` conditions with GitHub's expression
// library: merges, failed builds, cancelled runs, manual redeploys and promotions, and the
// PROD_REQUIRES_DISPATCH fallback for plans without required reviewers.
import t from 'tap';
import { jobRuns } from './helpers/job-condition.js';
import { readWorkflow } from './helpers/real-workflows.js';

const deploy = readWorkflow('workflows/deploy.yml');

void t.test('which jobs run: merges, failed builds, manual runs, and prod without reviewers', (t) => {
  const push = { github: { event_name: 'push' } };
  const dispatch = (target: string) => ({ github: { event_name: 'workflow_dispatch' }, inputs: { version: 'abc', target } });
  const build = deploy.jobs.build?.if;
  const staging = deploy.jobs.staging?.if;
  const prod = deploy.jobs.prod?.if;
  t.ok(jobRuns(build, { ...push, needs: {} }), 'a merge builds');
  t.notOk(jobRuns(build, { ...dispatch('staging-and-prod'), needs: {} }), 'a manual run does not rebuild');
  t.ok(jobRuns(staging, { ...push, needs: { build: { result: 'success' } } }), 'a built merge goes to staging');
  t.notOk(jobRuns(staging, { ...push, needs: { build: { result: 'failure' } } }), 'a failed build stops');
  t.notOk(jobRuns(staging, { ...push, needs: { build: { result: 'success' } } }, true), 'a cancelled run stops');
  t.ok(jobRuns(staging, { ...dispatch('staging-and-prod'), needs: { build: { result: 'skipped' } } }), 'a manual redeploy starts at staging');
  t.notOk(jobRuns(staging, { ...dispatch('prod'), needs: { build: { result: 'skipped' } } }), 'a manual promotion leaves staging alone');
  t.ok(jobRuns(prod, { ...push, needs: { staging: { result: 'success' } } }), 'staging passed: prod waits for approval');
  t.notOk(jobRuns(prod, { ...push, needs: { staging: { result: 'failure' } } }), 'staging failed: prod never runs');
  t.notOk(jobRuns(prod, { ...push, needs: { staging: { result: 'skipped' } } }), 'nothing reached staging: no prod');
  t.ok(jobRuns(prod, { ...dispatch('staging-and-prod'), needs: { staging: { result: 'success' } } }));
  t.notOk(jobRuns(prod, { ...dispatch('staging-and-prod'), needs: { staging: { result: 'failure' } } }));
  t.ok(jobRuns(prod, { ...dispatch('prod'), needs: { staging: { result: 'skipped' } } }), 'a manual promotion goes to prod');
  const noReviewers = { vars: { PROD_REQUIRES_DISPATCH: 'true' } };
  t.notOk(jobRuns(prod, { ...push, ...noReviewers, needs: { staging: { result: 'success' } } }), 'PROD_REQUIRES_DISPATCH stops merges at staging');
  t.ok(jobRuns(prod, { ...dispatch('prod'), ...noReviewers, needs: { staging: { result: 'skipped' } } }), '... and a manual run promotes');
  t.match(deploy.on.workflow_dispatch, { inputs: { target: { type: 'choice', options: ['staging-and-prod', 'prod'], default: 'staging-and-prod' } } });
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
