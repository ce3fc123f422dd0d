import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { artifactBucketName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import t from 'tap';
import { runRelease } from '../../src/run-release.js';
import { awsError, mockAws, testDeps } from '../release-test-deps.js';

const bucket = artifactBucketName(project);
const ran = { bucket, key: 'releases/abc123.zip', bundleType: 'zip' as const, version: 'v7', eTag: 'etag7' };
const argv = ['promote', '--version', 'abc123', '--from', 'staging', '--to', 'prod', '--no-watch'];

function stagingRan(aws: ReturnType<typeof mockAws>, s3Location: object | undefined): void {
  aws.codeDeploy.on(GetDeploymentGroupCommand, { applicationName: 'hello-staging', deploymentGroupName: 'staging' })
    .resolves({ deploymentGroupInfo: { lastSuccessfulDeployment: { deploymentId: 'd-STAGING01', status: 'Succeeded' } } });
  aws.codeDeploy.on(GetDeploymentCommand, { deploymentId: 'd-STAGING01' })
    .resolves({ deploymentInfo: { deploymentId: 'd-STAGING01', status: 'Succeeded', revision: s3Location === undefined ? undefined : { revisionType: 'S3', s3Location } } });
}

t.test("deploys to prod exactly the object version staging last ran", async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stagingRan(aws, ran);
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7', ETag: '"etag7"' });
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PROD00001' });
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 0);
  const [create] = aws.codeDeploy.commandCalls(CreateDeploymentCommand);
  t.same(create?.args[0].input.revision, { revisionType: 'S3', s3Location: ran });
  t.match(create?.args[0].input, { applicationName: 'hello-prod', deploymentGroupName: 'prod', description: /^promote abc123 from staging by / });
  t.match(deps.out(), 'staging last succeeded with s3://');
  t.match(deps.out(), 'started deployment d-PROD00001');
});

t.test('--from staging --to prod are the defaults; a missing bundle type means zip', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stagingRan(aws, { ...ran, bundleType: undefined });
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PROD00002' });
  const deps = testDeps();
  t.equal(await runRelease(['promote', '--version', 'abc123', '--no-watch'], deps), 0);
  t.match(aws.codeDeploy.commandCalls(CreateDeploymentCommand)[0]?.args[0].input, { deploymentGroupName: 'prod', revision: { s3Location: { bundleType: 'zip' } } });
});

t.test('refuses when staging last ran another version', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stagingRan(aws, { ...ran, key: 'releases/zzz999.zip' });
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), "refusing to promote: staging's last successful deployment d-STAGING01 ran s3://");
  t.match(deps.err(), 'releases/zzz999.zip (object version v7), not s3://');
  t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 0);
});

t.test('refuses a revision without an object version or outside S3', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stagingRan(aws, { ...ran, version: undefined });
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), '(object version none)');
  aws.codeDeploy.reset();
  stagingRan(aws, undefined);
  const github = testDeps();
  t.equal(await runRelease(argv, github), 1);
  t.match(github.err(), 'ran a revision that is not in S3');
});

t.test('refuses when the object was replaced since staging ran it', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stagingRan(aws, ran);
  aws.s3.on(HeadObjectCommand).resolvesOnce({ VersionId: 'v8' }).rejects(awsError('NotFound', 404));
  const replaced = testDeps();
  t.equal(await runRelease(argv, replaced), 1);
  t.match(replaced.err(), 'staging ran object version v7 of s3://');
  t.match(replaced.err(), 'but S3 now holds v8');
  const deleted = testDeps();
  t.equal(await runRelease(argv, deleted), 1);
  t.match(deleted.err(), 'but S3 now holds no such object');
  t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 0);
});

t.test('refuses when staging never succeeded, or its group is missing', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy.on(GetDeploymentGroupCommand)
    .resolvesOnce({ deploymentGroupInfo: {} })
    .rejects(awsError('DeploymentGroupDoesNotExistException'));
  const never = testDeps();
  t.equal(await runRelease(argv, never), 1);
  t.match(never.err(), 'staging has no successful deployment yet');
  const missing = testDeps();
  t.equal(await runRelease(argv, missing), 1);
  t.match(missing.err(), 'deploy the stack hello-staging first');
});

t.test('the same stage twice and unknown stages are usage errors', async (t) => {
  const deps = testDeps();
  t.equal(await runRelease(['promote', '--version', 'a', '--from', 'prod', '--to', 'prod'], deps), 2);
  t.match(deps.err(), '--from and --to are both prod');
  t.equal(await runRelease(['promote', '--version', 'a', '--to', 'qa'], deps), 2);
  t.match(deps.err(), '--to "qa" is not a configured stage; the stages are: staging, prod');
});
