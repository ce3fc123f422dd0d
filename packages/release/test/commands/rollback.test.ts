import {
  BatchGetDeploymentsCommand,
  CreateDeploymentCommand,
  ListDeploymentsCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { awsError, mockAws, testDeps } from '../release-test-deps.ts';

const loc = (version: string) => ({
  bucket: 'b',
  key: `releases/${version}.zip`,
  bundleType: 'zip' as const,
  version: `obj-${version}`,
});
const info = (id: string, version: string | undefined, minute: number): DeploymentInfo => ({
  deploymentId: id,
  status: 'Succeeded' as const,
  createTime: new Date(Date.UTC(2026, 10, 26, 10, minute)),
  revision: version === undefined ? undefined : { revisionType: 'S3' as const, s3Location: loc(version) },
});

/** The group's successful deployments, listed in two pages (to follow the paginator's nextToken). */
function history(aws: ReturnType<typeof mockAws>, all: DeploymentInfo[]): void {
  aws.codeDeploy.on(ListDeploymentsCommand).callsFake((input: { nextToken?: string }) => {
    const ids = all.map((d) => d.deploymentId as string);
    return input.nextToken === undefined
      ? { deployments: ids.slice(0, 1), nextToken: 'p2' }
      : { deployments: ids.slice(1) };
  });
  aws.codeDeploy.on(BatchGetDeploymentsCommand).callsFake((input: { deploymentIds: string[] }) => ({
    deploymentsInfo: all.filter((d) => input.deploymentIds.includes(d.deploymentId as string)),
  }));
}

const rolledBackTo = (aws: ReturnType<typeof mockAws>) =>
  aws.codeDeploy.commandCalls(CreateDeploymentCommand).map((c) => c.args[0].input.revision?.s3Location?.key);

t.test('goes back one release per call: a second rollback goes further back, never forward', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  // a1, b2, c3 deployed in that order (listed out of order; one of them twice in a row, one not in S3).
  const all = [
    info('d-C3', 'c3', 30),
    info('d-A1', 'a1', 1),
    info('d-B2', 'b2', 10),
    info('d-B2AGAIN', 'b2', 12),
    info('d-GITHUB', undefined, 25),
  ];
  history(aws, all);
  aws.codeDeploy
    .on(CreateDeploymentCommand)
    .resolvesOnce({ deploymentId: 'd-ROLLBACK1' })
    .resolves({ deploymentId: 'd-ROLLBACK2' });
  const first = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'staging', '--no-watch'], first), 0, first.err());
  t.match(
    first.out(),
    'staging runs s3://b/releases/c3.zip (object version obj-c3) (deployment d-C3); rolling back one release to s3://b/releases/b2.zip (object version obj-b2) from deployment d-B2AGAIN',
  );
  // The first rollback succeeded: the stage now runs b2 again.
  all.push(info('d-ROLLBACK1', 'b2', 40));
  const second = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'staging', '--no-watch'], second), 0, second.err());
  t.match(
    second.out(),
    'staging runs s3://b/releases/b2.zip (object version obj-b2) (deployment d-ROLLBACK1); rolling back one release to s3://b/releases/a1.zip',
  );
  t.same(
    rolledBackTo(aws),
    ['releases/b2.zip', 'releases/a1.zip'],
    'c3 was rolled away from: the second rollback does not return to it',
  );
  all.push(info('d-ROLLBACK2', 'a1', 50));
  const third = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'staging', '--no-watch'], third), 1);
  t.match(
    third.err(),
    'nothing to roll back to: staging runs s3://b/releases/a1.zip (object version obj-a1) (deployment d-ROLLBACK2) and has no earlier release that was not rolled away from',
  );
  t.equal(rolledBackTo(aws).length, 2);
  t.match(aws.codeDeploy.commandCalls(ListDeploymentsCommand)[0]?.args[0].input, {
    applicationName: 'hello-staging',
    deploymentGroupName: 'staging',
    includeOnlyStatuses: ['Succeeded'],
  });
});

t.test('a rollback always overrides the group alarms, and says so', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  history(aws, [info('d-A1', 'a1', 1), info('d-B2', 'b2', 10)]);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-ROLLBACK1' });
  const deps = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod', '--no-watch'], deps), 0, deps.err());
  const [create] = aws.codeDeploy.commandCalls(CreateDeploymentCommand);
  t.same(create?.args[0].input.overrideAlarmConfiguration, { enabled: false });
  t.match(create?.args[0].input, {
    applicationName: 'hello-prod',
    deploymentGroupName: 'prod',
    revision: { s3Location: loc('a1') },
  });
  t.match(
    deps.out(),
    "alarms of hello-prod/prod are overridden for this rollback: an incident's rollback is not blocked by the alarm it fixes",
  );
});

t.test('a redeploy of an older release counts as going back to it', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  // a1, b2, c3, then a1 again (deploy --allow-older): b2 and c3 were rolled away from.
  history(aws, [
    info('d-A1', 'a1', 1),
    info('d-B2', 'b2', 10),
    info('d-C3', 'c3', 20),
    info('d-A1AGAIN', 'a1', 30),
    info('d-D4', 'd4', 40),
  ]);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-ROLLBACK1' });
  const deps = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod', '--no-watch'], deps), 0, deps.err());
  t.same(rolledBackTo(aws), ['releases/a1.zip']);
});

t.test('refuses when there is nothing earlier, or nothing at all', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  history(aws, [info('d-ONLY', 'c3', 30), info('d-ONLY2', 'c3', 31)]);
  const only = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], only), 1);
  t.match(
    only.err(),
    'nothing to roll back to: prod runs s3://b/releases/c3.zip (object version obj-c3) (deployment d-ONLY2)',
  );
  aws.codeDeploy.reset();
  history(aws, [info('d-GITHUB', undefined, 1)]);
  const none = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], none), 1);
  t.match(none.err(), 'nothing to roll back: prod has no successful deployment of a release in S3');
  t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 0);
});

t.test('sparse answers and listing errors are handled', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy
    .on(ListDeploymentsCommand)
    .resolvesOnce({})
    .resolvesOnce({ deployments: ['d-1'] })
    .rejects(awsError('ThrottlingException', 400));
  aws.codeDeploy.on(BatchGetDeploymentsCommand).resolves({});
  const sparse = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], sparse), 1);
  t.match(sparse.err(), 'nothing to roll back: prod has no successful deployment');
  const noInfo = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], noInfo), 1);
  t.match(noInfo.err(), 'nothing to roll back: prod has no successful deployment');
  const throttled = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], throttled), 1);
  t.match(
    throttled.err(),
    'AWS throttled codedeploy:ListDeployments on hello-prod/prod 1 time(s) despite retries with backoff',
  );
});

t.test('looks through at most 100 earlier deployments, 25 per batch', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const many = Array.from({ length: 130 }, (_, i) => ({
    ...info(`d-${String(i).padStart(9, '0')}`, 'c3', 0),
    createTime: i === 0 ? undefined : new Date(i * 1000),
  }));
  aws.codeDeploy.on(ListDeploymentsCommand).callsFake((input: { nextToken?: string }) => {
    const at = Number(input.nextToken ?? 0);
    return {
      deployments: many.slice(at, at + 50).map((d) => d.deploymentId),
      nextToken: at + 50 < many.length ? String(at + 50) : undefined,
    };
  });
  aws.codeDeploy.on(BatchGetDeploymentsCommand).callsFake((input: { deploymentIds: string[] }) => ({
    deploymentsInfo: many.filter((d) => input.deploymentIds.includes(d.deploymentId as string)),
  }));
  const deps = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'staging'], deps), 1);
  t.equal(aws.codeDeploy.commandCalls(ListDeploymentsCommand).length, 2);
  t.same(
    aws.codeDeploy.commandCalls(BatchGetDeploymentsCommand).map((c) => c.args[0].input.deploymentIds?.length),
    [25, 25, 25, 25],
  );
});
