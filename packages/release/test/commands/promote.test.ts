import { CreateDeploymentCommand, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { stageOrder } from '../../src/stage-order.ts';
import { host } from '../deployment-fixtures.ts';
import { awsError, mockAws, testDeps } from '../release-test-deps.ts';
import { groupOf, neverDeployed, releaseAt, stageRan } from '../stage-fixtures.ts';

const [from, to] = stageOrder() as [ReturnType<typeof stageOrder>[number], ReturnType<typeof stageOrder>[number]];
const ran = releaseAt('abc123', 'v7');
const argv = ['promote', '--version', 'abc123', '--from', from, '--to', to, '--no-watch'];
const created = (aws: ReturnType<typeof mockAws>) => aws.codeDeploy.commandCalls(CreateDeploymentCommand);

t.test(`deploys to ${to} exactly the object version ${from} last ran on every host`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-STAGING01', ran);
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7', ETag: '"etag-v7"' });
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PROD00001' });
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 0, deps.err());
  const [create] = created(aws);
  t.same(create?.args[0].input.revision, { revisionType: 'S3', s3Location: ran });
  t.match(create?.args[0].input, { ...groupOf(to), description: new RegExp(`^promote abc123 from ${from} by `) });
  t.equal(create?.args[0].input.overrideAlarmConfiguration, undefined, 'an established group keeps its alarms');
  t.match(deps.out(), `${from} last succeeded on every host with s3://`);
  t.match(deps.out(), 'started deployment d-PROD00001');
});

t.test('--from staging --to prod are the defaults; a missing bundle type means zip', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, 'staging', 'd-STAGING01', { ...ran, bundleType: undefined });
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PROD00002' });
  const deps = testDeps();
  t.equal(await runRelease(['promote', '--version', 'abc123', '--no-watch'], deps), 0, deps.err());
  t.match(created(aws)[0]?.args[0].input, {
    deploymentGroupName: 'prod',
    revision: { s3Location: { bundleType: 'zip' } },
  });
});

t.test(`refuses when one host failed in ${from}, although CodeDeploy called the deployment Succeeded`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-PARTIAL01', ran, {
    hosts: [host('i-0aaa', 'Succeeded', 7), host('i-0bbb', 'Failed', 6, 'Failed')],
  });
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
  for (const extra of [[], ['--check']]) {
    const deps = testDeps();
    t.equal(await runRelease([...argv, ...extra], deps), 1);
    t.match(
      deps.err(),
      `refusing to promote abc123 to ${to}: ${from}'s deployment d-PARTIAL01 of abc123 did not succeed on every host (i-0bbb Failed)`,
    );
    t.notMatch(deps.err(), 'i-0aaa');
  }
  t.equal(created(aws).length, 0);
});

t.test('refuses a deployment in which no host took part', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-NOHOSTS01', ran, { hosts: [] });
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), 'did not succeed on every host (no host took part)');
});

t.test(`refuses when ${from} attempted another deployment after its last successful one`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-STAGING01', ran, { lastAttempted: { deploymentId: 'd-LATER0001', status: 'Failed' } });
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 1);
  t.match(
    deps.err(),
    `${from}'s last deployment d-LATER0001 is Failed, after its last successful one d-STAGING01; its hosts may run something else`,
  );
  stageRan(aws, from, 'd-STAGING01', ran, { lastAttempted: { deploymentId: 'd-LATER0002' } });
  const unknown = testDeps();
  t.equal(await runRelease(argv, unknown), 1);
  t.match(unknown.err(), `${from}'s last deployment d-LATER0002 is Unknown`);
  t.equal(created(aws).length, 0);
});

t.test('--check verifies, prints what it checked and deploys nothing', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-STAGING01', ran);
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
  const deps = testDeps();
  t.equal(
    await runRelease(['promote', '--version', 'abc123', '--from', from, '--to', to, '--check'], deps),
    0,
    deps.err(),
  );
  const out = deps.out();
  t.match(out, `checked abc123 for promotion from ${from} to ${to}:`);
  t.match(out, `✓ ${from}'s last deployment d-STAGING01 is its last successful one`);
  t.match(out, `✓ it ran s3://${ran.bucket}/${ran.key} (object version v7), release abc123`);
  t.match(out, '✓ it succeeded on every host: i-0aaa, i-0bbb');
  t.match(out, `✓ S3 still holds object version v7 of s3://${ran.bucket}/${ran.key}`);
  t.match(out, 'Nothing was deployed (--check).');
  t.equal(created(aws).length, 0);
});

t.test(`refuses when ${from} last ran another version`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-STAGING01', releaseAt('zzz999', 'v7'));
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), `${from}'s last successful deployment d-STAGING01 ran s3://`);
  t.match(deps.err(), 'releases/zzz999.zip (object version v7), not s3://');
  t.equal(created(aws).length, 0);
});

t.test('refuses a revision without an object version or outside S3', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-STAGING01', { ...ran, version: undefined });
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), '(object version none)');
  stageRan(aws, from, 'd-STAGING01', undefined);
  const github = testDeps();
  t.equal(await runRelease(argv, github), 1);
  t.match(github.err(), 'ran a revision that is not in S3');
});

t.test(`refuses when the object was replaced since ${from} ran it`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-STAGING01', ran);
  aws.s3.on(HeadObjectCommand).resolvesOnce({ VersionId: 'v8' }).rejects(awsError('NotFound', 404));
  const replaced = testDeps();
  t.equal(await runRelease(argv, replaced), 1);
  t.match(replaced.err(), `${from} ran object version v7 of s3://`);
  t.match(replaced.err(), 'but S3 now holds v8');
  const deleted = testDeps();
  t.equal(await runRelease(argv, deleted), 1);
  t.match(deleted.err(), 'but S3 now holds no such object');
  t.equal(created(aws).length, 0);
});

t.test(`refuses when ${from} never succeeded, or its group is missing`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  neverDeployed(aws, from);
  const never = testDeps();
  t.equal(await runRelease(argv, never), 1);
  t.match(never.err(), `${from} has no successful deployment yet`);
  aws.codeDeploy.on(GetDeploymentGroupCommand, groupOf(from)).resolves({});
  const sparse = testDeps();
  t.equal(await runRelease(argv, sparse), 1);
  t.match(sparse.err(), `${from} has no successful deployment yet`, 'a sparse answer is a group without history');
  aws.codeDeploy.on(GetDeploymentGroupCommand).rejects(awsError('DeploymentGroupDoesNotExistException'));
  const missing = testDeps();
  t.equal(await runRelease(argv, missing), 1);
  t.match(missing.err(), `deploy the stack ${groupOf(from).applicationName} first`);
});

t.test(`the first deployment of ${to} overrides its alarms and says so`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  stageRan(aws, from, 'd-STAGING01', ran);
  neverDeployed(aws, to);
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PROD00003' });
  const deps = testDeps();
  t.equal(await runRelease(argv, deps), 0, deps.err());
  t.same(created(aws)[0]?.args[0].input.overrideAlarmConfiguration, { enabled: false });
  t.match(
    deps.out(),
    `alarms of ${groupOf(to).applicationName}/${groupOf(to).deploymentGroupName} are overridden for this first deployment`,
  );
});

t.test('stages move forward one at a time in the configured order; unknown stages are usage errors', async (t) => {
  const backwards = testDeps();
  t.equal(await runRelease(['promote', '--version', 'a', '--from', to, '--to', from], backwards), 2);
  t.match(
    backwards.err(),
    `promote: ${from} is not the stage after ${to}; releases move forward one stage at a time in the configured order: ${stageOrder().join(' → ')}`,
  );
  const same = testDeps();
  t.equal(await runRelease(['promote', '--version', 'a', '--from', to, '--to', to], same), 2);
  t.match(same.err(), `--from and --to are both ${to}`);
  const unknown = testDeps();
  t.equal(await runRelease(['promote', '--version', 'a', '--to', 'qa'], unknown), 2);
  t.match(unknown.err(), '--to "qa" is not a configured stage; the stages are: staging, prod');
});
