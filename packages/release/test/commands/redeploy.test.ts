import { CreateDeploymentCommand, GetDeploymentCommand, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { ESTABLISHED_GROUP, mockAws, testDeps } from '../release-test-deps.ts';

const running = {
  bucket: 'hello-artifacts-210987654321-eu-central-1',
  key: 'releases/4f1c0de.zip',
  bundleType: 'zip' as const,
  version: 'obj-4f1c0de',
  eTag: 'etag-4f1c0de',
};

t.test('deploys the S3 object version the stage runs, byte for byte, as a new deployment', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy
    .on(GetDeploymentCommand, {
      deploymentId: ESTABLISHED_GROUP.deploymentGroupInfo.lastSuccessfulDeployment.deploymentId,
    })
    .resolves({ deploymentInfo: { status: 'Succeeded', revision: { revisionType: 'S3', s3Location: running } } });
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-REDEPLOY1' });
  const deps = testDeps();
  t.equal(await runRelease(['redeploy', '--stage', 'prod', '--no-watch'], deps), 0, deps.err());
  const [create] = aws.codeDeploy.commandCalls(CreateDeploymentCommand);
  t.same(create?.args[0].input.revision, { revisionType: 'S3', s3Location: running });
  t.match(create?.args[0].input, { applicationName: 'hello-prod', deploymentGroupName: 'prod' });
  t.equal(create?.args[0].input.overrideAlarmConfiguration, undefined, "the group's alarms apply as to any deploy");
  t.match(
    create?.args[0].input.description,
    /^redeploy of s3:\/\/hello-artifacts-.*releases\/4f1c0de\.zip \(object version obj-4f1c0de\) from d-EARLIER01 by /,
  );
  t.match(
    deps.out(),
    "prod runs s3://hello-artifacts-210987654321-eu-central-1/releases/4f1c0de.zip (object version obj-4f1c0de) (deployment d-EARLIER01); deploying it again so every host reads prod's settings and secrets\nstarted deployment d-REDEPLOY1",
  );
});

t.test('refuses a stage that never ran a release, and creates nothing', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.codeDeploy.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: {} });
  const none = testDeps();
  t.equal(await runRelease(['redeploy', '--stage', 'staging'], none), 1);
  t.match(
    none.err(),
    'nothing to redeploy: staging has no successful deployment of a release in S3 yet; deploy one with `pnpm release deploy --stage staging --version <sha>`',
  );
  // A group whose last success was not an S3 revision (e.g. deployed from GitHub by hand).
  aws.codeDeploy.on(GetDeploymentGroupCommand).resolves(ESTABLISHED_GROUP);
  aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
  const notS3 = testDeps();
  t.equal(await runRelease(['redeploy', '--stage', 'staging'], notS3), 1);
  t.match(notS3.err(), 'nothing to redeploy');
  t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 0);
  t.match(await runReleaseErr(['redeploy']), '--stage <stage> is required');
});

async function runReleaseErr(argv: string[]): Promise<string> {
  const deps = testDeps();
  await runRelease(argv, deps);
  return deps.err();
}
