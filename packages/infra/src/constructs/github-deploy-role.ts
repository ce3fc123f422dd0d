// The role one GitHub environment assumes to publish (staging only) and deploy a release to its stage.
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, type IOidcProvider, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEPLOY_JOB_TIMEOUT_MINUTES } from '@hello/config/constants';
import { cdkBootstrapRoleArn } from './cdk-bootstrap-roles.ts';
import { githubPrincipal } from './github-principal.ts';

/** A CodeDeploy application and deployment group, by name. */
export interface CodeDeployGroupRef {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
}

/** A stage the role may read but not deploy to: its deployment group and its stack's outputs. */
export interface WatchedStage extends CodeDeployGroupRef {
  /** Its outputs name the image it boots, which a promotion must match. */
  readonly stackName: string;
}

/**
 * What the release CLI does on its own stage's application, group and deployment config. Resource
 * types per AWS's service authorization reference (checked by the policy simulation test).
 * UpdateDeploymentGroup: CreateDeployment with overrideAlarmConfiguration (first deployment, rollback)
 * is authorized as UpdateDeploymentGroup on the group too.
 */
export const DEPLOY_ACTIONS = [
  'codedeploy:CreateDeployment',
  'codedeploy:GetDeployment',
  'codedeploy:BatchGetDeployments',
  'codedeploy:ListDeployments',
  'codedeploy:GetDeploymentConfig',
  'codedeploy:RegisterApplicationRevision',
  'codedeploy:GetApplicationRevision',
  'codedeploy:GetDeploymentGroup',
  'codedeploy:BatchGetDeploymentInstances',
  'codedeploy:UpdateDeploymentGroup',
] as const;

/**
 * The release CLI reads each host's outcome with these; they support no resource type, so only
 * `Resource: "*"` grants them (read-only). StopDeployment is wildcard-only too and would let one
 * stage stop the other's deployments: the CLI does not call it, so no role gets it.
 */
export const DEPLOYMENT_TARGET_ACTIONS = [
  'codedeploy:ListDeploymentTargets',
  'codedeploy:BatchGetDeploymentTargets',
] as const;

/** What `release promote` needs to see of another stage: which versions it deployed successfully. */
export const WATCH_ACTIONS = [
  'codedeploy:ListDeployments',
  'codedeploy:GetDeployment',
  'codedeploy:BatchGetDeployments',
  'codedeploy:GetDeploymentGroup',
] as const;

export interface GithubDeployRoleProps {
  readonly provider: IOidcProvider;
  readonly roleName: string;
  /** The OIDC `sub` of the GitHub environment allowed to assume the role. */
  readonly subject: string;
  /** Name (not a token) of the artifact bucket, so the policy's ARNs are literal and auditable. */
  readonly artifactBucketName: string;
  /** Key prefix of releases in the bucket, e.g. `releases/`. */
  readonly releasePrefix: string;
  /**
   * Whether the role may upload release zips; only the first stage publishes, later ones promote the same object.
   * @default false
   */
  readonly canPublish?: boolean;
  /** The stage's own deployment group and its deployment config. */
  readonly deployTo: CodeDeployGroupRef & { readonly deploymentConfigName: string };
  /**
   * Earlier stages the role may read (not deploy to): deployments and stack outputs.
   * @default none
   */
  readonly watch?: readonly WatchedStage[];
  /** The stage stack, whose outputs (the endpoint URL) the pipeline reads. */
  readonly stageStackName: string;
  /** The stage's `cdk bootstrap --qualifier`: the only bootstrap roles this role may assume. */
  readonly bootstrapQualifier: string;
  /**
   * Read-only role `cdk` uses as its lookup role (templates of this project's stacks only).
   * @default none
   */
  readonly diffRoleArn?: string;
}

/** An IAM role for one GitHub environment, scoped to one stage and the release prefix. */
export class GithubDeployRole extends Construct {
  readonly role: IRole;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    if (!/^[^*?]+\/$/.test(props.releasePrefix)) {
      throw new Error(
        `GithubDeployRole releasePrefix: ${JSON.stringify(props.releasePrefix)} is not allowed; expected a key prefix ending in '/' without wildcards`,
      );
    }
    const stack = Stack.of(this);
    const role = new Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: githubPrincipal(props.provider, props.subject),
      // A deploy job may run up to its timeout; the workflow asks for the same length (minutes * 60).
      maxSessionDuration: Duration.minutes(DEPLOY_JOB_TIMEOUT_MINUTES),
      description: `GitHub Actions (${props.subject}) deploys to ${props.deployTo.deploymentGroupName}`,
    });
    // Pins every S3 call to a bucket of this account, backing up the CLI's ExpectedBucketOwner.
    const bucketArn = `arn:${stack.partition}:s3:::${props.artifactBucketName}`;
    const releasesArn = `${bucketArn}/${props.releasePrefix}*`;
    const stackArn = stack.formatArn({
      service: 'cloudformation',
      resource: 'stack',
      resourceName: `${props.stageStackName}/*`,
    });
    // deploy (CloudFormation) and file-publishing (assets) of this stage's own qualifier only.
    const bootstrapRoleArns = [
      cdkBootstrapRoleArn(this, 'deploy', props.bootstrapQualifier),
      cdkBootstrapRoleArn(this, 'file-publishing', props.bootstrapQualifier),
      ...(props.diffRoleArn === undefined ? [] : [props.diffRoleArn]),
    ];
    const ownBucket = { StringEquals: { 's3:ResourceAccount': stack.account } };
    const objectActions = [
      's3:GetObject',
      's3:GetObjectVersion',
      's3:GetObjectAttributes',
      's3:GetObjectVersionAttributes',
    ];
    if (props.canPublish === true) objectActions.push('s3:PutObject');
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReleaseObjects',
        actions: objectActions,
        resources: [releasesArn],
        conditions: ownBucket,
      }),
    );
    // A listing must stay under the prefix. HeadBucket, and HeadObject answering 404 rather than
    // 403 for a missing release, are authorized as s3:ListBucket without any prefix: IfExists.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListReleases',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { ...ownBucket, StringLikeIfExists: { 's3:prefix': `${props.releasePrefix}*` } },
      }),
    );
    const codeDeployArns = (ref: CodeDeployGroupRef): string[] => [
      stack.formatArn({
        service: 'codedeploy',
        resource: 'application',
        resourceName: ref.applicationName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      stack.formatArn({
        service: 'codedeploy',
        resource: 'deploymentgroup',
        resourceName: `${ref.applicationName}/${ref.deploymentGroupName}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ];
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DeployOwnStage',
        actions: [...DEPLOY_ACTIONS],
        resources: [
          ...codeDeployArns(props.deployTo),
          stack.formatArn({
            service: 'codedeploy',
            resource: 'deploymentconfig',
            resourceName: props.deployTo.deploymentConfigName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WatchDeploymentTargets',
        actions: [...DEPLOYMENT_TARGET_ACTIONS],
        resources: ['*'],
      }),
    );
    const watchedStacks = (props.watch ?? []).map((w) =>
      stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${w.stackName}/*` }),
    );
    if (props.watch !== undefined && props.watch.length > 0) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'WatchEarlierStages',
          actions: [...WATCH_ACTIONS],
          resources: props.watch.flatMap(codeDeployArns),
        }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'ReadEarlierStageOutputs',
          actions: ['cloudformation:DescribeStacks'],
          resources: watchedStacks,
        }),
      );
    }
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadStageOutputs',
        actions: ['cloudformation:DescribeStacks'],
        resources: [stackArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DeployStageStack',
        // The bootstrap roles trust the account and allow TagSession; the CLI may pass session tags.
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: bootstrapRoleArns,
      }),
    );
    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${releasesArn}]`,
        reason: 'Release zips are named by version; the wildcard covers only the release prefix of one bucket.',
      },
      ...[stackArn, ...watchedStacks].map((arn) => ({
        id: `AwsSolutions-IAM5[Resource::${arn}]`,
        reason: 'A stack ARN ends in a random id; the wildcard covers only this one stage stack.',
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ListDeploymentTargets and BatchGetDeploymentTargets (read-only) support no resource type in IAM: only * grants them.',
      },
    );
    this.role = role;
  }
}
