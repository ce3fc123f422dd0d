// The foundation stack as configured: artifact bucket, GitHub OIDC provider and least-privilege GitHub roles.
import t from 'tap';
import { Match } from 'aws-cdk-lib/assertions';
import { DEPLOY_JOB_TIMEOUT_MINUTES, RELEASE_PREFIX } from '@hello/config/constants';
import {
  FOUNDATION_OUTPUTS,
  artifactBucketName,
  bootstrapExecutionPolicyName,
  deployRoleName,
  diffRoleName,
  environmentSubject,
  foundationStackName,
  machineImagesRoleName,
  mainBranchSubject,
  pullRequestRoleName,
  pullRequestSubject,
  stageBoundaryPolicyName,
} from '@hello/config/naming';
import { ArtifactBucket } from '../../src/constructs/artifact-bucket.ts';
import { DEPLOYMENT_TARGET_ACTIONS, DEPLOY_ACTIONS, WATCH_ACTIONS } from '../../src/constructs/github-deploy-role.ts';
import { deployRoleOutputKey } from '../../src/stacks/foundation-stack.ts';
import { buildTestApp, templateJson } from '../helpers/test-app.ts';

const built = buildTestApp();
const { project } = built;
const template = built.template(built.foundation);
const { account, region } = project.aws;
const bucketArn = `arn:aws:s3:::${artifactBucketName(project)}`;
const releasesArn = `${bucketArn}/${RELEASE_PREFIX}*`;

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The statements of the inline policy attached to the role named `roleName`. */
function statementsOf(roleName: string): Statement[] {
  const roles = template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } });
  const [roleId] = Object.keys(roles);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .filter((p) => p.Properties.Roles.some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: Statement | undefined): string[] => (s === undefined ? [] : [s.Action].flat());
const sid = (statements: Statement[], name: string) => statements.find((s) => s.Sid === name);
const sorted = (resource: unknown): string[] => [resource].flat().map(String).sort();

t.test('artifact bucket', async (t) => {
  t.doesNotThrow(() => {
    // The release CLI and the instance role derive the bucket name from config: it must match.
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: artifactBucketName(project) });
    // No release is ever public.
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    // Encrypted at rest.
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    // Versioning lets prod deploy exactly the object version staging published.
    template.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    // Old versions expire instead of accumulating cost forever.
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
        ]),
      },
    });
    // TLS-only: any plain-HTTP request is denied.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
  // Deleting the stack keeps every published release; a failed first create removes the empty
  // bucket, so the retry does not fail with "already exists".
  t.match(templateJson(template).Resources[ArtifactBucket.LOGICAL_ID], {
    DeletionPolicy: 'RetainExceptOnCreate',
    UpdateReplacePolicy: 'Retain',
  });
});

t.test('the bucket keeps its pinned logical id', async (t) => {
  // A changed logical id would make CloudFormation create a new bucket and orphan the old one.
  t.equal(templateJson(template).Resources[ArtifactBucket.LOGICAL_ID]?.Type, 'AWS::S3::Bucket');
});

t.test('GitHub OIDC provider is created when none is configured', async (t) => {
  t.doesNotThrow(() => {
    // Tokens from GitHub Actions, for the STS audience only.
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });
});

for (const stage of ['staging', 'prod'] as const) {
  t.test(`deploy role of ${stage} is trusted only by its GitHub environment`, async (t) => {
    t.doesNotThrow(() => {
      // StringEquals on aud and sub: no other repository, branch or environment can assume it.
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: deployRoleName(project, stage),
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRoleWithWebIdentity',
              Effect: 'Allow',
              Condition: {
                StringEquals: {
                  'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                  'token.actions.githubusercontent.com:sub': environmentSubject(project, stage),
                },
              },
            },
          ],
        },
      });
    });
  });
}

t.test('staging publishes releases, prod only reads them', async (t) => {
  const staging = statementsOf(deployRoleName(project, 'staging'));
  const prod = statementsOf(deployRoleName(project, 'prod'));
  // Staging uploads the zip once; prod must deploy that same object, so it cannot overwrite it.
  t.ok(actionsOf(sid(staging, 'ReleaseObjects')).includes('s3:PutObject'));
  t.notOk(prod.some((s) => actionsOf(s).includes('s3:PutObject')));
  for (const [name, statements] of [
    ['staging', staging],
    ['prod', prod],
  ] as const) {
    // Objects only under the release prefix of our own bucket.
    t.same(sid(statements, 'ReleaseObjects')?.Resource, releasesArn, `${name} objects`);
    t.same(
      sid(statements, 'ReleaseObjects')?.Condition,
      { StringEquals: { 's3:ResourceAccount': account } },
      `${name} own account`,
    );
    // Listing is limited to the release prefix too (HeadBucket/HeadObject carry no prefix).
    t.same(
      sid(statements, 'ListReleases'),
      {
        Sid: 'ListReleases',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucketArn,
        Condition: {
          StringEquals: { 's3:ResourceAccount': account },
          StringLikeIfExists: { 's3:prefix': `${RELEASE_PREFIX}*` },
        },
      },
      `${name} list`,
    );
    // HeadObject/GetObjectAttributes back the CLI's checks of the published object.
    t.ok(
      ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'].every((a) =>
        actionsOf(sid(statements, 'ReleaseObjects')).includes(a),
      ),
      `${name} reads`,
    );
  }
});

t.test('each deploy role drives CodeDeploy on its own stage only', async (t) => {
  for (const stage of ['staging', 'prod'] as const) {
    const deploy = sid(statementsOf(deployRoleName(project, stage)), 'DeployOwnStage');
    // The release CLI creates, watches, inspects and stops deployments.
    t.same([...actionsOf(deploy)].sort(), [...DEPLOY_ACTIONS].sort(), `${stage} actions`);
    // Only this stage's application, group and deployment config.
    t.same(
      sorted(deploy?.Resource),
      [
        `arn:aws:codedeploy:${region}:${account}:application:${project.name}-${stage}`,
        `arn:aws:codedeploy:${region}:${account}:deploymentgroup:${project.name}-${stage}/${stage}`,
        `arn:aws:codedeploy:${region}:${account}:deploymentconfig:${project.stages[stage].deploymentConfig}`,
      ].sort(),
      `${stage} resources`,
    );
    // Reads the stage stack's outputs (EndpointUrl) and nothing else in CloudFormation.
    t.same(
      sid(statementsOf(deployRoleName(project, stage)), 'ReadStageOutputs'),
      {
        Sid: 'ReadStageOutputs',
        Effect: 'Allow',
        Action: 'cloudformation:DescribeStacks',
        Resource: `arn:aws:cloudformation:${region}:${account}:stack/${project.name}-${stage}/*`,
      },
      `${stage} outputs`,
    );
    // Deploys the stage stack through its own qualifier's deploy and publishing roles (and reads
    // templates through the diff role), never CDK's default administrator roles or another stage's.
    const q = project.stages[stage].bootstrapQualifier;
    t.same(
      sorted(sid(statementsOf(deployRoleName(project, stage)), 'DeployStageStack')?.Resource),
      [
        `arn:aws:iam::${account}:role/cdk-${q}-deploy-role-${account}-${region}`,
        `arn:aws:iam::${account}:role/cdk-${q}-file-publishing-role-${account}-${region}`,
        `arn:aws:iam::${account}:role/${diffRoleName(project)}`,
      ].sort(),
      `${stage} bootstrap`,
    );
    // Reading deployment targets supports no resource type in IAM: only "*" grants it (read-only).
    t.same(
      sid(statementsOf(deployRoleName(project, stage)), 'WatchDeploymentTargets'),
      { Sid: 'WatchDeploymentTargets', Effect: 'Allow', Action: [...DEPLOYMENT_TARGET_ACTIONS].sort(), Resource: '*' },
      `${stage} targets`,
    );
  }
});

t.test('GitHub sessions last as long as a deploy job may run', async (t) => {
  // A job that outlives its credentials fails halfway through a deployment.
  for (const name of [
    deployRoleName(project, 'staging'),
    deployRoleName(project, 'prod'),
    pullRequestRoleName(project),
  ]) {
    t.doesNotThrow(
      () =>
        template.hasResourceProperties('AWS::IAM::Role', {
          RoleName: name,
          MaxSessionDuration: DEPLOY_JOB_TIMEOUT_MINUTES * 60,
        }),
      name,
    );
  }
});

t.test('each stage gets a named execution policy and boundary for its cdk bootstrap', async (t) => {
  for (const stage of ['staging', 'prod'] as const) {
    t.doesNotThrow(() => {
      // `cdk bootstrap --cloudformation-execution-policies` and `--custom-permissions-boundary` name these.
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        ManagedPolicyName: bootstrapExecutionPolicyName(project, stage),
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        ManagedPolicyName: stageBoundaryPolicyName(project, stage),
      });
    }, stage);
  }
});

t.test('prod may read, not deploy, staging deployments', async (t) => {
  const watch = sid(statementsOf(deployRoleName(project, 'prod')), 'WatchEarlierStages');
  // `release promote` checks staging's last successful deployment before promoting.
  t.same([...actionsOf(watch)].sort(), [...WATCH_ACTIONS].sort());
  t.ok(actionsOf(watch).includes('codedeploy:GetDeploymentGroup'));
  t.notOk(actionsOf(watch).includes('codedeploy:CreateDeployment'));
  t.same(
    sorted(watch?.Resource),
    [
      `arn:aws:codedeploy:${region}:${account}:application:${project.name}-staging`,
      `arn:aws:codedeploy:${region}:${account}:deploymentgroup:${project.name}-staging/staging`,
    ].sort(),
  );
  // Staging has no earlier stage to watch.
  t.equal(sid(statementsOf(deployRoleName(project, 'staging')), 'WatchEarlierStages'), undefined);
  // Promotion compares the image staging boots (its stack's outputs) with the release's.
  t.same(sid(statementsOf(deployRoleName(project, 'prod')), 'ReadEarlierStageOutputs'), {
    Sid: 'ReadEarlierStageOutputs',
    Effect: 'Allow',
    Action: 'cloudformation:DescribeStacks',
    Resource: `arn:aws:cloudformation:${region}:${account}:stack/${project.name}-staging/*`,
  });
  t.equal(sid(statementsOf(deployRoleName(project, 'staging')), 'ReadEarlierStageOutputs'), undefined);
});

t.test('the machine-image role: trusted by jobs on main only, reads public image data only', async (t) => {
  t.doesNotThrow(() =>
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: machineImagesRoleName(project),
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': mainBranchSubject(project),
              },
            },
          }),
        ],
      },
    }),
  );
  t.same(
    statementsOf(machineImagesRoleName(project)).map((st) => [st.Action, st.Resource]),
    [
      ['ssm:GetParameters', `arn:aws:ssm:${region}::parameter/aws/service/ami-amazon-linux-latest/*`],
      ['ec2:DescribeImages', '*'],
    ],
  );
  t.equal(mainBranchSubject(project), `${project.github.subjectPrefix}:ref:refs/heads/main`);
});

t.test('pull request role is read-only and trusted only for pull requests', async (t) => {
  t.doesNotThrow(() => {
    // Only `repo:OWNER/REPO:pull_request` tokens.
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: pullRequestRoleName(project),
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': pullRequestSubject(project),
              },
            },
          }),
        ],
      },
    });
  });
  // Only the diff role (templates of this project) and the foundation's template: never a
  // bootstrap role, whose lookup role reads every object in the account.
  t.same(statementsOf(pullRequestRoleName(project)), [
    {
      Sid: 'DiffStacks',
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Resource: `arn:aws:iam::${account}:role/${diffRoleName(project)}`,
    },
    {
      Sid: 'ReadFoundationTemplate',
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
      Resource: `arn:aws:cloudformation:${region}:${account}:stack/${foundationStackName(project)}/*`,
    },
  ]);
});

t.test('outputs the names the release CLI and workflows read', async (t) => {
  const outputs = template.toJSON().Outputs as Record<string, unknown>;
  // Output ids are the keys in @hello/config/naming.
  t.same(
    Object.keys(outputs).sort(),
    [
      FOUNDATION_OUTPUTS.artifactBucketName,
      FOUNDATION_OUTPUTS.pullRequestRoleArn,
      FOUNDATION_OUTPUTS.machineImagesRoleArn,
      deployRoleOutputKey('staging'),
      deployRoleOutputKey('prod'),
    ].sort(),
  );
  t.equal(deployRoleOutputKey('staging'), 'DeployRoleArnStaging');
});

t.test('cdk-nag: no unacknowledged finding', async (t) => {
  // Synthesis runs the AwsSolutions plugin and throws on any finding.
  t.doesNotThrow(() => built.app.synth({ force: true }));
  t.same(built.nag.validateScope(built.foundation).violations, []);
});

// The foundation deploys before any bootstrap exists: nothing may point the CLI at a bootstrap
// bucket, role or version parameter, and CloudFormation's inline TemplateBody limit is 51,200 bytes.
t.test("the foundation deploys with the caller's credentials and no CDK bootstrap", (t) => {
  const artifact = built.app.synth().getStackByName(built.foundation.stackName);
  t.equal(artifact.stackTemplateAssetObjectUrl, undefined, 'no template asset to upload');
  t.equal(artifact.assumeRoleArn, undefined, 'no bootstrap deploy role');
  t.equal(artifact.cloudFormationExecutionRoleArn, undefined, 'no bootstrap execution role');
  t.equal(artifact.requiresBootstrapStackVersion, undefined, 'no bootstrap version check');
  t.same(artifact.assets, [], 'no file or image assets');
  t.ok(
    JSON.stringify(artifact.template).length < 51_200,
    "the template fits CloudFormation's inline TemplateBody limit",
  );
  t.end();
});
