import t from 'tap';
import { Template } from 'aws-cdk-lib/assertions';
import { ArtifactBucket } from '../../src/constructs/artifact-bucket.ts';
import { scratchStack, scratchVpc } from '../helpers/scratch-stack.ts';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { InstanceType, MachineImage } from 'aws-cdk-lib/aws-ec2';
import { ApplicationLoadBalancer, ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { CodeDeployment, type CodeDeploymentProps } from '../../src/constructs/code-deployment.ts';
import { OidcProviderNative, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { GithubDeployRole, type GithubDeployRoleProps } from '../../src/constructs/github-deploy-role.ts';
import { githubPrincipal } from '../../src/constructs/github-principal.ts';
import { grantStageParameters } from '../../src/constructs/grant-stage-parameters.ts';

// ArtifactBucket's retention setting: the default is covered by the foundation stack tests.
t.test('artifact-bucket.ts', async (t) => {
  t.test('keeps old versions for the configured number of days', async (t) => {
    const stack = scratchStack();
    new ArtifactBucket(stack, 'A', { bucketName: 'b-123', noncurrentVersionRetentionDays: 30 });
    // Rollbacks can reach back as far as old versions are kept.
    t.doesNotThrow(() =>
      Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'expire-old-versions',
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            },
          ],
        },
      }),
    );
  });

  t.test('rejects a retention that is not a positive whole number of days', async (t) => {
    for (const days of [0, 1.5]) {
      t.throws(
        () => new ArtifactBucket(scratchStack(), 'A', { bucketName: 'b', noncurrentVersionRetentionDays: days }),
        {
          message: `ArtifactBucket noncurrentVersionRetentionDays: ${days} is not allowed; expected a whole number of days >= 1`,
        },
      );
    }
  });
});

// CodeDeployment's alarm threshold; the configured groups are covered by the stage stack tests.
t.test('code-deployment.ts', async (t) => {
  function props(
    stack: ReturnType<typeof scratchStack>,
    change: Partial<CodeDeploymentProps> = {},
  ): CodeDeploymentProps {
    const vpc = scratchVpc(stack);
    const targetGroup = new ApplicationTargetGroup(stack, 'Tg', { vpc, port: 8443 });
    new ApplicationLoadBalancer(stack, 'Lb', { vpc }).addListener('L', {
      port: 80,
      defaultTargetGroups: [targetGroup],
    });
    return {
      applicationName: 'a',
      deploymentGroupName: 'staging',
      deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
      targetGroup,
      autoScalingGroup: new AutoScalingGroup(stack, 'Asg', {
        vpc,
        instanceType: new InstanceType('t3.small'),
        machineImage: MachineImage.latestAmazonLinux2023(),
      }),
      ...change,
    };
  }

  t.test('the 5xx threshold is configurable', async (t) => {
    const stack = scratchStack();
    new CodeDeployment(stack, 'D', props(stack, { max5xxPerMinute: 20 }));
    const template = Template.fromStack(stack);
    t.doesNotThrow(() => {
      // A busier service tolerates a few errors without rolling back.
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'HTTPCode_Target_5XX_Count',
        Threshold: 20,
      });
      template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
        DeploymentConfigName: 'CodeDeployDefault.HalfAtATime',
      });
    });
  });

  t.test('the 5xx threshold must be a whole number >= 1', async (t) => {
    const stack = scratchStack();
    t.throws(() => new CodeDeployment(stack, 'D', props(stack, { max5xxPerMinute: 0 })), {
      message: 'CodeDeployment max5xxPerMinute: 0 is not allowed; expected a whole number >= 1',
    });
  });
});

// GithubDeployRole's guards and defaults; the configured roles are covered by the foundation stack tests.
t.test('github-deploy-role.ts', async (t) => {
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
        (p as { Properties: { PolicyDocument: { Statement: { Sid: string; Action: string | string[] }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    // Publishing is opt-in, for the first stage only.
    t.notOk(statements.some((s) => [s.Action].flat().includes('s3:PutObject')));
    t.notOk(statements.some((s) => s.Sid === 'WatchEarlierStages'));
  });
});

// The GitHub trust: exact subjects only.
t.test('github-principal.ts', async (t) => {
  const provider = OidcProviderNative.fromOidcProviderArn(
    scratchStack(),
    'P',
    'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  );

  t.test('a wildcard subject is refused', async (t) => {
    // StringEquals with `*` would not match anything, and StringLike would trust every branch.
    t.throws(() => githubPrincipal(provider, 'repo:o/r:*'), {
      message: /GitHub OIDC subject "repo:o\/r:\*" is not allowed; expected an exact subject without wildcards/,
    });
  });

  t.test('an exact subject becomes a StringEquals condition', async (t) => {
    t.same(githubPrincipal(provider, 'repo:o/r:environment:prod').conditions, {
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:o/r:environment:prod',
      },
    });
  });
});

// What the grant allows is simulated in test/stacks/policy-simulation.test.ts; here, its guard.
t.test('grant-stage-parameters.ts', async (t) => {
  t.test('the path must be one stage of one project, ending in a slash', async (t) => {
    const role = new Role(scratchStack(), 'Role', { assumedBy: new ServicePrincipal('ec2.amazonaws.com') });
    // Without the last slash, `/shop/prod*` would also cover `/shop/prod-old/...`.
    for (const path of ['/shop/prod', '/shop/', '/shop/prod/db/', 'shop/prod/'])
      t.throws(() => grantStageParameters(role, path), {
        message: `grantStageParameters path: "${path}" is not allowed`,
      });
    t.doesNotThrow(() => grantStageParameters(role, '/shop/prod/'));
  });
});
