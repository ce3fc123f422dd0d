import {
  CreateDeploymentCommand,
  DeploymentLimitExceededException,
  GetDeploymentCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import { HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { artifactBucketName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { host, scriptDeployment } from '../deployment-fixtures.ts';
import { awsError, mockAws, testDeps } from '../release-test-deps.ts';

const bucket = artifactBucketName(project);
const argv = ['deploy', '--stage', 'staging', '--version', 'abc123'];

function published(aws: ReturnType<typeof mockAws>): void {
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7', ETag: '"etag7"', Metadata: { sha256: 'aa' } });
}

t.test('deploys exactly the current object version and ETag, then watches it succeed', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-OK0000001' });
  scriptDeployment(aws.codeDeploy, 'd-OK0000001', [
    { status: 'InProgress', hosts: [host('i-a', 'InProgress', 2, 'InProgress'), host('i-b', 'Pending', 0)] },
    { status: 'Succeeded', hosts: [host('i-a', 'Succeeded', 7), host('i-b', 'Succeeded', 7)] },
  ]);
  const deps = testDeps({
    env: {
      GITHUB_OUTPUT: '/gh/output',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '42',
    },
  });
  t.equal(await runRelease(argv, deps), 0);
  const [create] = aws.codeDeploy.commandCalls(CreateDeploymentCommand);
  t.same(create?.args[0].input.revision, {
    revisionType: 'S3',
    s3Location: { bucket, key: 'releases/abc123.zip', bundleType: 'zip', version: 'v7', eTag: 'etag7' },
  });
  t.match(create?.args[0].input, { applicationName: 'hello-staging', deploymentGroupName: 'staging' });
  t.match(
    create?.args[0].input.description,
    'release abc123 by hello-github-deploy-staging/GitHubActions from https://github.com/o/r/actions/runs/42',
  );
  t.match(deps.out(), 'started deployment d-OK0000001 of s3://');
  t.match(
    deps.out(),
    `https://${project.aws.region}.console.aws.amazon.com/codesuite/codedeploy/deployments/d-OK0000001?region=${project.aws.region}`,
  );
  // The model of how long CodeDeploy should take, before the watch starts.
  t.match(
    deps.out(),
    /\n {2}expected: [\d.]+ s per host \([\d.]+ s draining, [\d.]+ s hooks, [\d.]+ s health checks\); /,
  );
  t.match(deps.out(), 'deployment d-OK0000001 succeeded on 2 host(s)');
  t.equal(deps.files.get('/gh/output'), 'deployment-id=d-OK0000001\n');
});

t.test('--no-watch returns after creating the deployment', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-NOWATCH01' });
  const deps = testDeps();
  t.equal(await runRelease([...argv, '--no-watch'], deps), 0);
  t.equal(aws.codeDeploy.commandCalls(GetDeploymentCommand).length, 0);
  t.match(deps.out(), 'd-NOWATCH01');
});

t.test('a failed deployment names the host, event, error code and the log tail; exit 1', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAIL00001' });
  const diagnostics = {
    errorCode: 'ScriptFailed' as const,
    scriptName: 'hooks/validate-service.sh',
    message: 'Script at specified location: hooks/validate-service.sh run as user root failed with exit code 1',
    logTail: '[stdout]waiting for /healthz\n[stderr]version dev != abc123\n',
  };
  scriptDeployment(aws.codeDeploy, 'd-FAIL00001', [
    {
      status: 'Failed',
      error: { code: 'SCRIPT_FAILED', message: 'one or more lifecycle events failed' },
      hosts: [host('i-a', 'Failed', 6, 'Failed', diagnostics), host('i-b', 'Succeeded', 7)],
    },
  ]);
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 1);
  const err = deps.err();
  t.match(err, 'deployment d-FAIL00001 Failed: SCRIPT_FAILED: one or more lifecycle events failed');
  t.match(
    err,
    'host i-a failed at ValidateService: ScriptFailed (hooks/validate-service.sh): Script at specified location',
  );
  t.match(err, '    [stderr]version dev != abc123');
  t.notMatch(err, 'host i-b failed');
});

t.test('a stopped deployment is a failure too', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-STOP00001' });
  scriptDeployment(aws.codeDeploy, 'd-STOP00001', [
    {
      status: 'Stopped',
      error: { code: 'MANUAL_STOP', message: 'stopped by a user' },
      hosts: [host('i-a', 'Skipped', 3)],
    },
  ]);
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), 'deployment d-STOP00001 Stopped: MANUAL_STOP: stopped by a user');
  t.match(deps.err(), 'host i-a ended Skipped at Install (Pending) without a failed lifecycle event');
  t.notMatch(deps.err(), 'no host reported a failed lifecycle event');
});

t.test('watching is bounded: a deployment still running after --timeout exits 3', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOW00001' });
  scriptDeployment(aws.codeDeploy, 'd-SLOW00001', [
    { status: 'InProgress', hosts: [host('i-a', 'InProgress', 1, 'InProgress')] },
  ]);
  const deps = testDeps();
  t.equal(await runRelease([...argv, '--timeout', '2m'], deps), 3);
  t.match(deps.err(), 'timed out after 2m: deployment d-SLOW00001 is still InProgress');
  t.match(deps.err(), 'pnpm release watch d-SLOW00001');
  // Backoff: the interval grows while nothing changes, and the wait never passes the deadline.
  t.ok(
    deps.sleeps.length >= 3 && (deps.sleeps[2] ?? 0) > (deps.sleeps[1] ?? 0),
    `intervals grow: ${deps.sleeps.join(',')}`,
  );
  t.equal(
    deps.sleeps.reduce((a, b) => a + b, 0),
    120_000,
  );
});

t.test('a deployment already in progress is waited for, then ours starts', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy
    .on(CreateDeploymentCommand)
    .rejectsOnce(
      new DeploymentLimitExceededException({
        message: 'The deployment group staging has an active deployment',
        $metadata: {},
      }),
    )
    .resolves({ deploymentId: 'd-AFTER0001' });
  aws.codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-BUSY00001'] });
  aws.codeDeploy
    .on(GetDeploymentCommand, { deploymentId: 'd-BUSY00001' })
    .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
    .resolves({ deploymentInfo: { status: 'Succeeded' } });
  const deps = testDeps();
  t.equal(await runRelease([...argv, '--no-watch'], deps), 0);
  t.match(deps.err(), 'deployment d-BUSY00001 is already in progress on hello-staging/staging; waiting up to 20m');
  t.match(aws.codeDeploy.commandCalls(ListDeploymentsCommand)[0]?.args[0].input, {
    applicationName: 'hello-staging',
    deploymentGroupName: 'staging',
    includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'],
  });
  t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 2);
  t.match(deps.out(), 'started deployment d-AFTER0001');
});

t.test('waiting for a busy group is bounded too', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy
    .on(CreateDeploymentCommand)
    .rejects(new DeploymentLimitExceededException({ message: 'busy', $metadata: {} }));
  aws.codeDeploy
    .on(ListDeploymentsCommand)
    .resolvesOnce({ deployments: ['d-BUSY00002'] })
    .resolvesOnce({ deployments: ['d-BUSY00002'] })
    .resolves({});
  aws.codeDeploy.on(GetDeploymentCommand).resolves({});
  const deps = testDeps();
  t.equal(await runRelease([...argv, '--busy-timeout', '1m'], deps), 3);
  t.match(deps.err(), 'a deployment (d-BUSY00002) is still in progress on hello-staging/staging after waiting 60s');
  const unnamed = testDeps();
  t.equal(await runRelease([...argv, '--busy-timeout', '1m'], unnamed), 3);
  t.match(unnamed.err(), 'a deployment is still in progress on hello-staging/staging');
});

t.test('a busy group whose deployment already ended is retried after a pause', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy
    .on(CreateDeploymentCommand)
    .rejectsOnce(new DeploymentLimitExceededException({ message: 'busy', $metadata: {} }))
    .resolves({ deploymentId: 'd-RETRY0001' });
  aws.codeDeploy.on(ListDeploymentsCommand).resolves({});
  const deps = testDeps();
  t.equal(await runRelease([...argv, '--no-watch'], deps), 0);
  t.equal(deps.sleeps.length, 1);
  t.notMatch(deps.err(), 'already in progress');
});

t.test('CodeDeploy errors name the stack to deploy or the denied action', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy
    .on(CreateDeploymentCommand)
    .rejectsOnce(awsError('DeploymentGroupDoesNotExistException'))
    .rejectsOnce(awsError('AccessDeniedException', 400))
    .resolves({});
  const missing = testDeps();
  t.equal(await runRelease(argv, missing), 1);
  t.match(
    missing.err(),
    'hello-staging/staging does not exist: deploy the stack hello-staging first (pnpm infra:deploy hello-staging)',
  );
  const denied = testDeps();
  t.equal(await runRelease(argv, denied), 1);
  t.match(denied.err(), 'access denied: role hello-github-deploy-staging');
  t.match(denied.err(), 'may not codedeploy:CreateDeployment on hello-staging/staging');
  const empty = testDeps();
  t.equal(await runRelease(argv, empty), 1);
  t.match(empty.err(), 'returned no deployment id');
});

t.test('an unpublished or unversioned release is refused before CodeDeploy is called', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3.on(HeadObjectCommand).rejectsOnce(awsError('NotFound', 404)).resolves({ ETag: '"e"' });
  const missing = testDeps();
  t.equal(await runRelease(argv, missing), 1);
  t.match(missing.err(), 'release abc123 is not published in s3://');
  t.match(missing.err(), 'pnpm release publish --version abc123 --file <zip>');
  const unversioned = testDeps();
  t.equal(await runRelease(argv, unversioned), 1);
  t.match(unversioned.err(), 'has no object version id');
  t.equal(aws.codeDeploy.calls().length, 0);
});

t.test('an unknown stage lists the configured ones', async (t) => {
  const deps = testDeps();
  t.equal(await runRelease(['deploy', '--stage', 'production', '--version', 'abc'], deps), 2);
  t.match(deps.err(), '--stage "production" is not a configured stage; the stages are: staging, prod');
  t.equal(await runRelease([...argv, '--timeout', 'soon'], deps), 2);
});
