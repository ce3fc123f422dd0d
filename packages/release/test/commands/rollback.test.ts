import {
  BatchGetDeploymentsCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import t from 'tap';
import { runRelease } from '../../src/run-release.js';
import { awsError, mockAws, testDeps } from '../release-test-deps.js';

const loc = (version: string) => ({ bucket: 'b', key: `releases/${version}.zip`, bundleType: 'zip' as const, version: `obj-${version}` });
const info = (id: string, version: string | undefined, minute: number) => ({
  deploymentId: id,
  status: 'Succeeded' as const,
  createTime: new Date(Date.UTC(2026, 10, 26, 10, minute)),
  revision: version === undefined ? undefined : { revisionType: 'S3' as const, s3Location: loc(version) },
});

function history(aws: ReturnType<typeof mockAws>, current: ReturnType<typeof info> | undefined, all: ReturnType<typeof info>[]): void {
  aws.codeDeploy.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: { lastSuccessfulDeployment: current === undefined ? undefined : { deploymentId: current.deploymentId } } });
  if (current !== undefined) aws.codeDeploy.on(GetDeploymentCommand, { deploymentId: current.deploymentId }).resolves({ deploymentInfo: current });
  // Two pages, to follow the paginator's nextToken.
  const ids = all.map((d) => d.deploymentId);
  aws.codeDeploy.on(ListDeploymentsCommand)
    .callsFake((input: { nextToken?: string }) => input.nextToken === undefined ? { deployments: ids.slice(0, 1), nextToken: 'p2' } : { deployments: ids.slice(1) });
  aws.codeDeploy.on(BatchGetDeploymentsCommand).callsFake((input: { deploymentIds: string[] }) => ({
    deploymentsInfo: all.filter((d) => input.deploymentIds.includes(d.deploymentId)),
  }));
}

t.test('redeploys the newest earlier successful revision that differs from the current one', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const current = info('d-NEW000001', 'c3', 30);
  history(aws, current, [info('d-OLD000001', 'a1', 1), current, info('d-SAME00001', 'c3', 20), info('d-MID000001', 'b2', 10), info('d-GIT000001', undefined, 25), { ...info('d-NOTIME001', 'z0', 0), createTime: undefined as unknown as Date }]);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-ROLLBACK1' });
  const deps = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'staging', '--no-watch'], deps), 0);
  t.same(aws.codeDeploy.commandCalls(CreateDeploymentCommand)[0]?.args[0].input.revision, { revisionType: 'S3', s3Location: loc('b2') });
  t.match(aws.codeDeploy.commandCalls(ListDeploymentsCommand)[0]?.args[0].input, { applicationName: 'hello-staging', deploymentGroupName: 'staging', includeOnlyStatuses: ['Succeeded'] });
  t.match(deps.out(), 'staging runs s3://b/releases/c3.zip (object version obj-c3) (deployment d-NEW000001); rolling back to s3://b/releases/b2.zip (object version obj-b2) from deployment d-MID000001');
});

t.test('refuses when there is nothing earlier, or nothing at all', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const current = info('d-ONLY00001', 'c3', 30);
  history(aws, current, [current]);
  const only = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], only), 1);
  t.match(only.err(), 'nothing to roll back to: prod has no successful deployment of another revision than s3://b/releases/c3.zip');
  aws.codeDeploy.reset();
  history(aws, undefined, []);
  const none = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], none), 1);
  t.match(none.err(), 'nothing to roll back: prod has no successful deployment');
  t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 0);
});

t.test('sparse answers and listing errors are handled', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: { lastSuccessfulDeployment: { deploymentId: 'd-X00000001' } } });
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-X00000001' } });
  aws.codeDeploy.on(ListDeploymentsCommand).resolvesOnce({}).rejects(awsError('ThrottlingException', 400));
  const sparse = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], sparse), 1);
  t.match(sparse.err(), 'another revision than a revision that is not in S3');
  const throttled = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'prod'], throttled), 1);
  t.match(throttled.err(), 'AWS throttled codedeploy:ListDeployments on hello-prod/prod 1 time(s) despite retries with backoff');
});

t.test('looks through at most 100 earlier deployments, 25 per batch', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const current = info('d-CUR000001', 'c3', 59);
  const many = Array.from({ length: 130 }, (_, i) => ({ ...info(`d-${String(i).padStart(9, '0')}`, 'c3', 0), createTime: new Date(i * 1000) }));
  aws.codeDeploy.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: { lastSuccessfulDeployment: { deploymentId: current.deploymentId } } });
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: current });
  aws.codeDeploy.on(ListDeploymentsCommand).callsFake((input: { nextToken?: string }) => {
    const at = Number(input.nextToken ?? 0);
    return { deployments: many.slice(at, at + 50).map((d) => d.deploymentId), nextToken: at + 50 < many.length ? String(at + 50) : undefined };
  });
  aws.codeDeploy.on(BatchGetDeploymentsCommand).callsFake((input: { deploymentIds: string[] }) => ({
    deploymentsInfo: many.filter((d) => input.deploymentIds.includes(d.deploymentId)),
  }));
  const deps = testDeps();
  t.equal(await runRelease(['rollback', '--stage', 'staging'], deps), 1);
  t.equal(aws.codeDeploy.commandCalls(ListDeploymentsCommand).length, 2);
  t.same(aws.codeDeploy.commandCalls(BatchGetDeploymentsCommand).map((c) => c.args[0].input.deploymentIds?.length), [25, 25, 25, 25]);
});
