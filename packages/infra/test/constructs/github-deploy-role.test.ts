// GithubDeployRole's guards and defaults; the configured roles are covered by the foundation stack tests.
import t from 'tap';
import { Template } from 'aws-cdk-lib/assertions';
import { OidcProviderNative } from 'aws-cdk-lib/aws-iam';
import { GithubDeployRole, type GithubDeployRoleProps } from '../../src/constructs/github-deploy-role.ts';
import { scratchStack } from '../helpers/scratch-stack.ts';

function props(
  stack: ReturnType<typeof scratchStack>,
  change: Partial<GithubDeployRoleProps> = {},
): GithubDeployRoleProps {
  return {
    provider: OidcProviderNative.fromOidcProviderArn(
      stack,
      'P',
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    ),
    roleName: 'r',
    subject: 'repo:o/r:environment:x',
    artifactBucketName: 'b',
    releasePrefix: 'releases/',
    deployTo: { applicationName: 'a', deploymentGroupName: 'x', deploymentConfigName: 'CodeDeployDefault.AllAtOnce' },
    stageStackName: 's',
    bootstrapQualifier: 'q',
    ...change,
  };
}

t.test('a release prefix that could widen the grant is refused', async (t) => {
  for (const releasePrefix of ['', 'releases', 'rel*/']) {
    const stack = scratchStack();
    t.throws(() => new GithubDeployRole(stack, 'R', props(stack, { releasePrefix })), {
      message: `GithubDeployRole releasePrefix: ${JSON.stringify(releasePrefix)} is not allowed; expected a key prefix ending in '/' without wildcards`,
    });
  }
});

t.test('by default the role neither publishes nor watches other stages', async (t) => {
  const stack = scratchStack();
  new GithubDeployRole(stack, 'R', props(stack));
  const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: { Sid: string; Action: string | string[] }[] } } }).Properties
        .PolicyDocument.Statement,
  );
  // Publishing is opt-in, for the first stage only.
  t.notOk(statements.some((s) => [s.Action].flat().includes('s3:PutObject')));
  t.notOk(statements.some((s) => s.Sid === 'WatchEarlierStages'));
});
