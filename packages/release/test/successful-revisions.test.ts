import { BatchGetDeploymentsCommand, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import t from 'tap';
import { openSession } from '../src/aws-session.ts';
import {
  describeLocation,
  releaseStack,
  sameObject,
  successfulHistory,
  type S3Deployment,
} from '../src/successful-revisions.ts';
import { mockAws, testDeps } from './release-test-deps.ts';

t.test('object identity is bucket, key and object version', (t) => {
  const a = { bucket: 'b', key: 'k', version: 'v1' };
  t.equal(sameObject(a, { ...a }), true);
  t.equal(sameObject(a, { ...a, version: 'v2' }), false);
  t.equal(sameObject(a, undefined), false);
  t.equal(describeLocation({}), 's3://?/? (object version none)');
  t.end();
});

t.test('the release stack: new revisions go on top, a revision seen before drops what is above it', (t) => {
  const d = (id: string, version: string): S3Deployment => ({
    deploymentId: id,
    revision: { s3Location: { bucket: 'b', key: 'k', version } },
  });
  const ids = (history: S3Deployment[]) => releaseStack(history).map((x) => x.deploymentId);
  t.same(ids([]), []);
  t.same(ids([d('1', 'a'), d('2', 'b'), d('3', 'c')]), ['1', '2', '3']);
  t.same(ids([d('1', 'a'), d('2', 'b'), d('3', 'c'), d('4', 'b')]), ['1', '4'], 'a rollback to b drops c');
  t.same(ids([d('1', 'a'), d('2', 'a')]), ['2'], 'a redeploy of the same object replaces it');
  t.same(ids([d('1', 'a'), d('2', 'b'), d('3', 'a'), d('4', 'c')]), ['3', '4']);
  t.end();
});

t.test('a batch answer without deployments means no history', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-1'] });
  aws.codeDeploy.on(BatchGetDeploymentsCommand).resolves({});
  t.same(await successfulHistory(await openSession(testDeps()), 'staging'), []);
});
