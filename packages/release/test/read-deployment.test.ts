import { BatchGetDeploymentTargetsCommand, GetDeploymentCommand, ListDeploymentTargetsCommand } from '@aws-sdk/client-codedeploy';
import t from 'tap';
import { openSession } from '../src/aws-session.js';
import { readDeployment } from '../src/read-deployment.js';
import { mockAws, testDeps } from './release-test-deps.js';

t.test('sparse answers become empty lists, never crashes', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const session = await openSession(testDeps());
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
  aws.codeDeploy.on(ListDeploymentTargetsCommand).resolvesOnce({}).resolves({ targetIds: ['i-1'] });
  aws.codeDeploy.on(BatchGetDeploymentTargetsCommand).resolvesOnce({}).resolves({ deploymentTargets: [{ instanceTarget: { targetId: 'i-1', status: 'Pending' } }] });
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
