// What CloudFormation may do when it deploys one stage stack, and the boundary of every role in it.
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { cdkAssetsBucketArn } from './cdk-bootstrap-roles.ts';

/** One stage, by the names its stack gives its resources. */
export interface StageNames {
  /** The stage stack: CloudFormation prefixes generated names (roles, functions, alarms) with it. */
  readonly stackName: string;
  readonly applicationName: string;
  /** Prefix of the stage's log group names, e.g. `/hello/staging/`. */
  readonly logGroupPrefix: string;
  readonly bootstrapQualifier: string;
}

export interface StageDeploymentPoliciesProps {
  readonly stage: StageNames;
  /** The other stages, whose resources this stage's roles must never touch. */
  readonly others: readonly StageNames[];
  readonly executionPolicyName: string;
  readonly boundaryPolicyName: string;
  /** The foundation stack (artifact bucket, GitHub roles): off limits to every stage. */
  readonly foundationStackName: string;
  readonly artifactBucketName: string;
}

/**
 * `cdk bootstrap --cloudformation-execution-policies <execution> --custom-permissions-boundary <boundary>`
 * for one stage. The execution policy lists what the stage stack creates instead of CDK's default
 * AdministratorAccess; the boundary (also applied to the roles the stack creates) denies the other
 * stages, the foundation and any way out of the boundary, so a stage's credentials cannot reach
 * prod or the deploy roles even through a role they create.
 */
export class StageDeploymentPolicies extends Construct {
  readonly executionPolicy: ManagedPolicy;
  readonly boundary: ManagedPolicy;

  constructor(scope: Construct, id: string, props: StageDeploymentPoliciesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { stage } = props;
    const iamArn = (resource: string): string =>
      stack.formatArn({
        service: 'iam',
        region: '',
        resource,
        resourceName: undefined,
        arnFormat: ArnFormat.NO_RESOURCE_NAME,
      });
    const stageRoles = [iamArn(`role/${stage.stackName}-*`), iamArn(`instance-profile/${stage.stackName}-*`)];
    const boundaryArn = iamArn(`policy/${props.boundaryPolicyName}`);
    const codeDeploy = (resource: string, resourceName: string): string =>
      stack.formatArn({ service: 'codedeploy', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const logGroups = (prefix: string): string[] => [
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${prefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ];
    const functions = (stackName: string): string =>
      stack.formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: `${stackName}-*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    // Alarm topics, event rules, alarms and the dashboard: named after the stack (CloudFormation
    // prefixes generated names with it; the stage names its topic and dashboard so).
    const topics = (stackName: string): string =>
      stack.formatArn({ service: 'sns', resource: `${stackName}-*`, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    const rules = (stackName: string): string =>
      stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${stackName}-*` });
    const alarms = (stackName: string): string =>
      stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `${stackName}-*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const dashboard = (stackName: string): string =>
      stack.formatArn({ service: 'cloudwatch', region: '', resource: 'dashboard', resourceName: stackName });

    this.boundary = new ManagedPolicy(this, 'Boundary', {
      managedPolicyName: props.boundaryPolicyName,
      description: `Permissions boundary of ${stage.stackName}: its deployment and every role it creates`,
      statements: [
        new PolicyStatement({ sid: 'WithinTheStage', actions: ['*'], resources: ['*'] }),
        // EC2, load balancers, Auto Scaling and alarms have generated ids: CloudFormation's stack tag tells the stages apart.
        new PolicyStatement({
          sid: 'NotOtherStacksResources',
          effect: Effect.DENY,
          actions: ['ec2:*', 'elasticloadbalancing:*', 'autoscaling:*', 'cloudwatch:*'],
          resources: ['*'],
          conditions: {
            Null: { 'aws:ResourceTag/aws:cloudformation:stack-name': 'false' },
            StringNotEquals: { 'aws:ResourceTag/aws:cloudformation:stack-name': stage.stackName },
          },
        }),
        new PolicyStatement({
          sid: 'NotOtherStagesNamedResources',
          effect: Effect.DENY,
          actions: ['codedeploy:*', 'logs:*', 'lambda:*', 'sns:*', 'events:*', 'cloudwatch:*'],
          resources: props.others.flatMap((o) => [
            codeDeploy('application', o.applicationName),
            codeDeploy('deploymentgroup', `${o.applicationName}/*`),
            ...logGroups(o.logGroupPrefix),
            functions(o.stackName),
            topics(o.stackName),
            rules(o.stackName),
            alarms(o.stackName),
            dashboard(o.stackName),
          ]),
        }),
        new PolicyStatement({
          sid: 'NoIamOutsideTheStage',
          effect: Effect.DENY,
          actions: [
            'iam:Create*',
            'iam:Delete*',
            'iam:Put*',
            'iam:Attach*',
            'iam:Detach*',
            'iam:Update*',
            'iam:Add*',
            'iam:Remove*',
            'iam:Set*',
            'iam:Tag*',
            'iam:Untag*',
            'iam:PassRole',
          ],
          notResources: [...stageRoles, iamArn('role/aws-service-role/*')],
        }),
        new PolicyStatement({
          sid: 'RolesKeepTheBoundary',
          effect: Effect.DENY,
          actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
          resources: ['*'],
          conditions: { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
        }),
        new PolicyStatement({
          sid: 'BoundaryStays',
          effect: Effect.DENY,
          actions: ['iam:DeleteRolePermissionsBoundary'],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'NoOtherStacks',
          effect: Effect.DENY,
          actions: ['cloudformation:*'],
          notResources: [
            stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stage.stackName}/*` }),
          ],
        }),
        // No role chaining: neither the other stage's bootstrap roles nor CDK's default (administrator) ones.
        new PolicyStatement({
          sid: 'NoRoleChaining',
          effect: Effect.DENY,
          actions: ['sts:AssumeRole'],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'ReleasesAreReadOnly',
          effect: Effect.DENY,
          actions: [
            's3:PutObject',
            's3:DeleteObject',
            's3:DeleteObjectVersion',
            's3:PutBucket*',
            's3:DeleteBucket*',
            's3:PutLifecycleConfiguration',
            's3:PutObjectAcl',
          ],
          resources: [
            `arn:${stack.partition}:s3:::${props.artifactBucketName}`,
            `arn:${stack.partition}:s3:::${props.artifactBucketName}/*`,
          ],
        }),
      ],
    });

    this.executionPolicy = new ManagedPolicy(this, 'Execution', {
      managedPolicyName: props.executionPolicyName,
      description: `CloudFormation execution policy of ${stage.stackName} (cdk bootstrap --qualifier ${stage.bootstrapQualifier})`,
      statements: [
        // Resources with generated ids; the boundary keeps them to this stack's own.
        new PolicyStatement({
          sid: 'StageNetworkFleetAndAlarms',
          actions: [
            'ec2:*',
            'elasticloadbalancing:*',
            'autoscaling:*',
            'cloudwatch:*',
            'acm:*',
            'route53:GetHostedZone',
            'route53:ChangeResourceRecordSets',
            'route53:GetChange',
            'route53:ListResourceRecordSets',
          ],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'StageCodeDeploy',
          actions: ['codedeploy:*'],
          resources: [
            codeDeploy('application', stage.applicationName),
            codeDeploy('deploymentgroup', `${stage.applicationName}/*`),
            codeDeploy('deploymentconfig', '*'),
          ],
        }),
        new PolicyStatement({
          sid: 'StageLogGroups',
          actions: ['logs:*'],
          resources: [...logGroups(stage.logGroupPrefix), ...logGroups(`/aws/lambda/${stage.stackName}-`)],
        }),
        new PolicyStatement({ sid: 'StageFunctions', actions: ['lambda:*'], resources: [functions(stage.stackName)] }),
        // The alarm topic with its e-mail subscriptions, and the rules that send failures to it.
        new PolicyStatement({
          sid: 'StageNotifications',
          actions: ['sns:*', 'events:*'],
          resources: [topics(stage.stackName), rules(stage.stackName)],
        }),
        // Lambda reads a function's code with the caller's credentials, from the stage's own asset bucket.
        new PolicyStatement({
          sid: 'StageAssets',
          actions: ['s3:GetObject'],
          resources: [`${cdkAssetsBucketArn(this, stage.bootstrapQualifier)}/*`],
        }),
        new PolicyStatement({
          sid: 'StageRolesWithTheBoundary',
          actions: [
            'iam:CreateRole',
            'iam:PutRolePermissionsBoundary',
            'iam:AttachRolePolicy',
            'iam:PutRolePolicy',
            'iam:DetachRolePolicy',
            'iam:DeleteRolePolicy',
          ],
          resources: stageRoles,
          conditions: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } },
        }),
        new PolicyStatement({
          sid: 'StageRoles',
          actions: [
            'iam:GetRole',
            'iam:GetRolePolicy',
            'iam:ListRolePolicies',
            'iam:ListAttachedRolePolicies',
            'iam:DeleteRole',
            'iam:TagRole',
            'iam:UntagRole',
            'iam:UpdateRole',
            'iam:UpdateRoleDescription',
            'iam:UpdateAssumeRolePolicy',
            'iam:PassRole',
            'iam:CreateInstanceProfile',
            'iam:DeleteInstanceProfile',
            'iam:GetInstanceProfile',
            'iam:AddRoleToInstanceProfile',
            'iam:RemoveRoleFromInstanceProfile',
            'iam:TagInstanceProfile',
          ],
          resources: stageRoles,
        }),
        // Auto Scaling and Elastic Load Balancing create their service-linked roles on first use in an account.
        new PolicyStatement({
          sid: 'ServiceLinkedRoles',
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [iamArn('role/aws-service-role/*')],
          conditions: {
            StringEquals: { 'iam:AWSServiceName': ['autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com'] },
          },
        }),
        // The Amazon Linux AMI id is a public SSM parameter resolved at deploy time.
        new PolicyStatement({
          sid: 'PublicAmiParameters',
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: [
            stack.formatArn({ service: 'ssm', account: '', resource: 'parameter', resourceName: 'aws/service/*' }),
          ],
        }),
      ],
    });
    for (const policy of [this.boundary, this.executionPolicy]) acknowledgeWildcards(policy);
  }
}

/** cdk-nag IAM5 names each wildcard action and resource; each of these is fenced by the boundary's denies. */
function acknowledgeWildcards(policy: ManagedPolicy): void {
  // Every Allow statement here names Action and Resource (only the boundary's denies use NotResource).
  const { Statement } = policy.document.toJSON() as {
    Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[];
  };
  const ids = new Set(
    Statement.filter((st) => st.Effect === 'Allow').flatMap((st) => [
      ...[st.Action]
        .flat()
        .filter((a) => a.includes('*'))
        .map((a) => `AwsSolutions-IAM5[Action::${a}]`),
      ...[st.Resource]
        .flat()
        .filter((r) => r.includes('*'))
        .map((r) => `AwsSolutions-IAM5[Resource::${r}]`),
    ]),
  );
  Validations.of(policy).acknowledge(
    ...[...ids].map((id) => ({
      id,
      reason:
        "A stage's deployment: generated resource ids need wildcards, and the stage boundary denies other stacks' resources, the other stage, IAM outside the stage and role chaining.",
    })),
  );
}
