import { BatchGetDeploymentsCommand, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import t from 'tap';
import { openSession } from '../src/aws-session.js';
import { describeLocation, previousSuccessfulDeployment, sameObject } from '../src/successful-revisions.js';
import { mockAws, testDeps } from './release-test-deps.js';

t.test('object identity is bucket, key and object version', (t) => {
  const a = { bucket: 'b', key: 'k', version: 'v1' };
  t.equal(sameObject(a, { ...a }), true);
  t.equal(sameObject(a, { ...a, version: 'v2' }), false);
  t.equal(sameObject(a, undefined), false);
  t.equal(describeLocation({}), 's3://?/? (object version none)');
  t.end();
});

t.test('a batch answer without deployments means no history', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-1'] });
  aws.codeDeploy.on(BatchGetDeploymentsCommand).resolves({});
  t.equal(await previousSuccessfulDeployment(await openSession(testDeps()), 'staging', undefined), undefined);
});
