import {
  BatchGetDeploymentTargetsCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import t from 'tap';
import { openSession } from '../src/aws-session.ts';
import { readDeployment } from '../src/read-deployment.ts';
import { mockAws, testDeps } from './release-test-deps.ts';

t.test('sparse answers become empty lists, never crashes', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const session = await openSession(testDeps());
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
  aws.codeDeploy
    .on(ListDeploymentTargetsCommand)
    .resolvesOnce({})
    .resolves({ targetIds: ['i-1'] });
  aws.codeDeploy
    .on(BatchGetDeploymentTargetsCommand)
    .resolvesOnce({})
    .resolves({ deploymentTargets: [{ instanceTarget: { targetId: 'i-1', status: 'Pending' } }] });
  t.same((await readDeployment(session, 'd-1')).hosts, []);
  t.same((await readDeployment(session, 'd-1')).hosts, []);
  t.same((await readDeployment(session, 'd-1')).hosts, [{ id: 'i-1', status: 'Pending', events: [] }]);
});

t.test('target listing follows nextToken and stops at a bound', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const session = await openSession(testDeps());
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
  aws.codeDeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [], nextToken: 'again' });
  await readDeployment(session, 'd-1');
  t.equal(aws.codeDeploy.commandCalls(ListDeploymentTargetsCommand).length, 100);
});

t.test('every target page is read and BatchGetDeploymentTargets gets at most 25 ids per call', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const session = await openSession(testDeps());
  const ids = Array.from({ length: 60 }, (_, i) => `i-${String(i).padStart(4, '0')}`);
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
  // ListDeploymentTargets has no SDK paginator: 20 ids per page, then nextToken.
  aws.codeDeploy.on(ListDeploymentTargetsCommand).callsFake((input: { nextToken?: string }) => {
    const at = Number(input.nextToken ?? 0);
    return { targetIds: ids.slice(at, at + 20), nextToken: at + 20 < ids.length ? String(at + 20) : undefined };
  });
  aws.codeDeploy.on(BatchGetDeploymentTargetsCommand).callsFake((input: { targetIds: string[] }) => ({
    deploymentTargets: input.targetIds.map((targetId) => ({ instanceTarget: { targetId, status: 'Succeeded' } })),
  }));
  const snapshot = await readDeployment(session, 'd-1');
  t.equal(snapshot.hosts.length, 60);
  t.equal(aws.codeDeploy.commandCalls(ListDeploymentTargetsCommand).length, 3);
  t.same(
    aws.codeDeploy.commandCalls(BatchGetDeploymentTargetsCommand).map((c) => c.args[0].input.targetIds?.length),
    [25, 25, 10],
  );
});
