import {
  ListDeploymentTargetsCommand,
  GetDeploymentCommand,
  BatchGetDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { host, scriptDeployment } from '../deployment-fixtures.ts';
import { awsError, mockAws, testDeps } from '../release-test-deps.ts';

const diagnostics = {
  errorCode: 'ScriptFailed' as const,
  scriptName: 'hooks/after-install.sh',
  message: 'exit code 1',
  logTail: '[stderr]npm ERR! a | b\n',
};

t.test('on a terminal the host table is redrawn in place', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  scriptDeployment(aws.codeDeploy, 'd-TTY000001', [
    { status: 'Created', hosts: [] },
    { status: 'InProgress', hosts: [host('i-a', 'InProgress', 1, 'InProgress')] },
    { status: 'Succeeded', hosts: [host('i-a', 'Succeeded', 7)] },
  ]);
  const deps = testDeps({ isTTY: true });
  t.equal(await runRelease(['watch', 'd-TTY000001'], deps), 0);
  const out = deps.out();
  t.match(out, 'deployment d-TTY000001: Created (0/0 hosts done)\n');
  // Second draw: up one line (the first table had only its headline), clear, redraw.
  t.match(
    out,
    '\x1b[1A\x1b[0Jdeployment d-TTY000001: InProgress (0/1 hosts done)\n  i-a   InProgress  1/7 ▶DownloadBundle\n',
  );
  t.match(out, '\x1b[2A\x1b[0Jdeployment d-TTY000001: Succeeded (1/1 hosts done)');
  t.notMatch(out, '::group::');
});

t.test('on CI: plain lines per change, a ::group:: per host, ::error and a step summary table', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  scriptDeployment(aws.codeDeploy, 'd-CI0000001', [
    {
      status: 'InProgress',
      hosts: [host('i-a', 'InProgress', 4, 'InProgress'), host('i-b', 'InProgress', 4, 'InProgress')],
    },
    {
      status: 'InProgress',
      hosts: [host('i-a', 'InProgress', 4, 'InProgress'), host('i-b', 'InProgress', 4, 'InProgress')],
    },
    {
      status: 'Failed',
      error: { code: 'SCRIPT_FAILED', message: 'lifecycle event failed' },
      hosts: [host('i-a', 'Failed', 4, 'Failed', diagnostics), host('i-b', 'Succeeded', 7)],
    },
  ]);
  const deps = testDeps({ env: { CI: 'true', GITHUB_STEP_SUMMARY: '/gh/summary' }, isTTY: true });
  t.equal(await runRelease(['watch', 'd-CI0000001'], deps), 1);
  const out = deps.out();
  t.match(out, '[+0s] deployment d-CI0000001: InProgress (0/2 hosts done)\n');
  t.match(out, '[+0s] i-a AfterInstall InProgress\n');
  t.match(out, /\[\+\d+s\] i-a AfterInstall Failed\n/);
  // An unchanged poll prints nothing: the AfterInstall InProgress line appears once per host.
  t.equal(out.split('i-a AfterInstall InProgress').length, 2);
  t.match(out, '::group::i-a Failed\n  ApplicationStop      Succeeded  1.5s\n');
  t.match(out, '::group::i-b Succeeded\n');
  t.equal(out.split('::endgroup::').length, 3);
  t.match(
    out,
    '::error title=CodeDeploy d-CI0000001 Failed::deployment d-CI0000001 Failed: SCRIPT_FAILED: lifecycle event failed',
  );
  t.notMatch(out, '\x1b[');
  const summary = deps.files.get('/gh/summary') ?? '';
  t.match(summary, '### CodeDeploy [d-CI0000001](https://');
  t.match(summary, ' (hello-staging / staging): Failed');
  t.match(summary, '| Host | Status | Lifecycle events | Error |');
  t.match(summary, '| `i-a` | ❌ Failed | ✅ ApplicationStop<br>');
  t.match(summary, '| AfterInstall: ScriptFailed exit code 1 |');
  t.match(deps.err(), 'host i-a failed at AfterInstall: ScriptFailed (hooks/after-install.sh): exit code 1');
  t.match(deps.err(), '    [stderr]npm ERR! a | b');
});

t.test('plain output (a pipe, not CI) prints lines and per-host results without group markers', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  scriptDeployment(aws.codeDeploy, 'd-PLAIN0001', [{ status: 'Succeeded', hosts: [host('i-a', 'Succeeded', 7)] }]);
  const deps = testDeps({ env: { GITHUB_STEP_SUMMARY: '/gh/summary' } });
  t.equal(await runRelease(['watch', 'd-PLAIN0001'], deps), 0);
  t.match(deps.out(), 'i-a Succeeded\n  ApplicationStop ');
  t.notMatch(deps.out(), '::group::');
  t.equal(deps.files.size, 0);
});

t.test('CI without a step summary file, and a sparse CodeDeploy answer, still render', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy.on(GetDeploymentCommand).resolves({});
  aws.codeDeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['x', 'y'], nextToken: '' });
  aws.codeDeploy.on(BatchGetDeploymentTargetsCommand).resolves({
    deploymentTargets: [{}, { instanceTarget: { lifecycleEvents: [{}] } }],
  });
  const deps = testDeps({ env: { GITHUB_ACTIONS: 'true' } });
  t.equal(await runRelease(['watch', 'd-SPARSE001', '--timeout', '1s'], deps), 3);
  t.match(deps.out(), '::group::unknown Unknown\n  unknown              Unknown');
  t.match(deps.err(), 'is still Unknown');
});

t.test('hosts appear once the deployment has started; failures of the listing are explained', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Failed' } });
  aws.codeDeploy
    .on(ListDeploymentTargetsCommand)
    .rejectsOnce(awsError('DeploymentNotStartedException'))
    .rejects(awsError('InvalidDeploymentIdException'));
  const notStarted = testDeps();
  t.equal(await runRelease(['watch', 'd-NOTSTART1'], notStarted), 1);
  t.match(notStarted.err(), 'deployment d-NOTSTART1 Failed: no error code: no message');
  const broken = testDeps();
  t.equal(await runRelease(['watch', 'd-NOTSTART1'], broken), 1);
  t.match(broken.err(), 'codedeploy:ListDeploymentTargets on d-NOTSTART1 failed: InvalidDeploymentIdException');
});

t.test('many hosts are fetched 25 at a time', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const ids = Array.from({ length: 30 }, (_, i) => `i-${String(i).padStart(3, '0')}`);
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
  aws.codeDeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ids });
  aws.codeDeploy.on(BatchGetDeploymentTargetsCommand).callsFake((input: { targetIds: string[] }) => ({
    deploymentTargets: input.targetIds.map((id) => host(id, 'Succeeded', 7)),
  }));
  const deps = testDeps();
  t.equal(await runRelease(['watch', 'd-MANY00001'], deps), 0);
  t.same(
    aws.codeDeploy.commandCalls(BatchGetDeploymentTargetsCommand).map((c) => c.args[0].input.targetIds?.length),
    [25, 5],
  );
  t.match(deps.out(), 'succeeded on 30 host(s)');
});

t.test('the deployment id is required and checked', async (t) => {
  const deps = testDeps();
  t.equal(await runRelease(['watch'], deps), 2);
  t.match(deps.err(), 'the deployment id is required');
  t.equal(await runRelease(['watch', 'deploy-1'], deps), 2);
  t.match(deps.err(), '"deploy-1" is not a CodeDeploy deployment id');
  t.equal(await runRelease(['watch', 'd-A', 'd-B'], deps), 2);
  t.match(deps.err(), 'watch takes one <deployment-id>, got: d-A d-B');
});
