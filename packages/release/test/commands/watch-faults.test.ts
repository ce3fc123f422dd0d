// `watch` on the answers CodeDeploy gives for faults the deploy rehearsal cannot reproduce
// (tools/rehearsal's fault matrix, docs/rehearsal.md): a host terminated or an agent gone in the
// middle of a deployment (CodeDeploy waits up to an hour for an agent, then fails the host), an
// agent restarted while a hook ran (the agent's own message, aws-codedeploy-agent
// command_poller.rb #recover_from_crash?), and a OneAtATime deployment whose last host failed
// (Succeeded by CodeDeploy's rule). In every failed case the CLI exits non-zero and names the
// host, the lifecycle event and the cause.
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { host, scriptDeployment } from '../deployment-fixtures.ts';
import { mockAws, testDeps } from '../release-test-deps.ts';

const HEALTH_CONSTRAINTS = {
  code: 'HEALTH_CONSTRAINTS',
  message:
    'The overall deployment failed because too many individual instances failed deployment, too few healthy instances are available for deployment, or some instances in your deployment group are experiencing problems.',
};

t.test('a host terminated in the middle: named with the event it stopped in and why', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  scriptDeployment(aws.codeDeploy, 'd-TERMINATE1', [
    { status: 'InProgress', hosts: [host('i-a', 'InProgress', 2, 'InProgress'), host('i-b', 'Pending', 0)] },
    // An hour later: the host is Failed, its event never reported an end.
    {
      status: 'Failed',
      error: HEALTH_CONSTRAINTS,
      hosts: [host('i-a', 'Failed', 2, 'InProgress'), host('i-b', 'Skipped', 0)],
    },
  ]);
  const deps = testDeps();
  t.equal(await runRelease(['watch', 'd-TERMINATE1'], deps), 1);
  t.match(deps.err(), 'error: deployment d-TERMINATE1 Failed: HEALTH_CONSTRAINTS');
  t.match(
    deps.err(),
    'host i-a ended Failed at BeforeInstall (InProgress) without a failed lifecycle event: CodeDeploy heard nothing more from it: the instance was terminated or rebooted, or its CodeDeploy agent stopped',
  );
  t.match(deps.err(), /host i-b ended Skipped at ApplicationStop \(Pending\) without a failed lifecycle event\n/);
});

t.test('an agent that never answers: the bound ends the watch (exit 3), the deployment goes on', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  scriptDeployment(aws.codeDeploy, 'd-NOAGENT01', [
    { status: 'InProgress', hosts: [host('i-a', 'InProgress', 2, 'InProgress')] },
  ]);
  const deps = testDeps();
  t.equal(await runRelease(['watch', 'd-NOAGENT01', '--timeout', '2m'], deps), 3);
  t.match(deps.out(), 'i-a BeforeInstall InProgress');
  t.match(deps.err(), 'timed out after 2m: deployment d-NOAGENT01 is still InProgress');
  t.match(deps.err(), 'pnpm release watch d-NOAGENT01');
});

t.test('an agent restarted while a hook ran: its own message names the cause', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  scriptDeployment(aws.codeDeploy, 'd-RESTART01', [
    {
      status: 'Failed',
      error: HEALTH_CONSTRAINTS,
      hosts: [
        host('i-a', 'Failed', 4, 'Failed', {
          errorCode: 'UnknownError',
          scriptName: '',
          message: 'Failed: Failing in-progress lifecycle event after an agent restart.',
          logTail: '',
        }),
      ],
    },
  ]);
  const deps = testDeps();
  t.equal(await runRelease(['watch', 'd-RESTART01'], deps), 1);
  t.match(
    deps.err(),
    'host i-a failed at AfterInstall: UnknownError: Failed: Failing in-progress lifecycle event after an agent restart.\n',
    'no empty script name, no empty log tail',
  );
});

t.test('the last host of a OneAtATime deployment failed: CodeDeploy says Succeeded, the CLI does not', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const diagnostics = {
    errorCode: 'ScriptFailed' as const,
    scriptName: 'hooks/validate-service.sh',
    message: 'Script at specified location: hooks/validate-service.sh run as user root failed with exit code 1',
    logTail: "[stdout][service-ctl] hello.service: Failed with result 'start-limit-hit'.\n",
  };
  scriptDeployment(aws.codeDeploy, 'd-LASTHOST1', [
    { status: 'Succeeded', hosts: [host('i-a', 'Succeeded', 7), host('i-b', 'Failed', 6, 'Failed', diagnostics)] },
  ]);
  const deps = testDeps();
  t.equal(await runRelease(['watch', 'd-LASTHOST1'], deps), 1);
  t.match(deps.err(), 'failed on 1 of 2 host(s), although CodeDeploy reports it Succeeded');
  t.match(deps.err(), 'host i-b failed at ValidateService: ScriptFailed (hooks/validate-service.sh)');
  t.match(deps.err(), 'start-limit-hit');
});
