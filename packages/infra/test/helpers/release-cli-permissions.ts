// The IAM actions and exact resources behind each AWS API operation the release CLI calls.
// Resource types come from AWS's service authorization reference (the simulator rejects an ARN of
// the wrong type); an operation found in the CLI's source without an entry here fails the test.

/** The ARNs of one stage that the release CLI touches. */
export interface Arns {
  readonly application: string;
  readonly deploymentGroup: string;
  readonly deploymentConfig: string;
  readonly bucket: string;
  readonly release: string;
  readonly stageStack: string;
}

export interface Permission {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

type Mapping = (a: Arns, opts: { readonly publishes: boolean }) => Permission[];

const ownBucket = (a: Arns): Record<string, string> => ({ 's3:ResourceAccount': a.deploymentGroup.split(':')[4]! });

const MAPPINGS: Readonly<Record<string, Mapping>> = {
  // CreateDeployment needs the group; the CLI also names the deployment config and the revision
  // (GetDeploymentConfig, Get/RegisterApplicationRevision on the application); overrideAlarmConfiguration
  // (first deployment of a group, rollback) needs UpdateDeploymentGroup (CreateDeployment API reference).
  'codedeploy:CreateDeployment': (a) => [
    { action: 'codedeploy:CreateDeployment', resource: a.deploymentGroup },
    { action: 'codedeploy:UpdateDeploymentGroup', resource: a.deploymentGroup },
    { action: 'codedeploy:GetDeploymentConfig', resource: a.deploymentConfig },
    { action: 'codedeploy:GetApplicationRevision', resource: a.application },
    { action: 'codedeploy:RegisterApplicationRevision', resource: a.application },
  ],
  'codedeploy:GetDeployment': (a) => [{ action: 'codedeploy:GetDeployment', resource: a.deploymentGroup }],
  'codedeploy:BatchGetDeployments': (a) => [{ action: 'codedeploy:BatchGetDeployments', resource: a.deploymentGroup }],
  'codedeploy:ListDeployments': (a) => [{ action: 'codedeploy:ListDeployments', resource: a.deploymentGroup }],
  'codedeploy:GetDeploymentGroup': (a) => [{ action: 'codedeploy:GetDeploymentGroup', resource: a.deploymentGroup }],
  'codedeploy:BatchGetDeploymentInstances': (a) => [
    { action: 'codedeploy:BatchGetDeploymentInstances', resource: a.deploymentGroup },
  ],
  // No resource type: only "*" grants these.
  'codedeploy:ListDeploymentTargets': () => [{ action: 'codedeploy:ListDeploymentTargets', resource: '*' }],
  'codedeploy:BatchGetDeploymentTargets': () => [{ action: 'codedeploy:BatchGetDeploymentTargets', resource: '*' }],
  // HeadObject is authorized as GetObject (GetObjectVersion with a VersionId); HeadBucket as ListBucket.
  's3:HeadObject': (a) => [
    { action: 's3:GetObject', resource: a.release, context: ownBucket(a) },
    { action: 's3:GetObjectVersion', resource: a.release, context: ownBucket(a) },
  ],
  's3:HeadBucket': (a) => [{ action: 's3:ListBucket', resource: a.bucket, context: ownBucket(a) }],
  's3:PutObject': (a, { publishes }) =>
    publishes ? [{ action: 's3:PutObject', resource: a.release, context: ownBucket(a) }] : [],
  'cloudformation:DescribeStacks': (a) => [{ action: 'cloudformation:DescribeStacks', resource: a.stageStack }],
  // STS GetCallerIdentity needs no permission and cannot be denied (STS API reference).
  'sts:GetCallerIdentity': () => [],
};

/**
 * Calls the CLI makes after this push (brief's decisions) even before its source has them:
 * listed here so the deploy roles grant them now.
 */
export const PLANNED_OPERATIONS = [
  'codedeploy:GetDeploymentGroup',
  'codedeploy:ListDeployments',
  'codedeploy:BatchGetDeploymentInstances',
] as const;

/** Operations `release promote` makes on the stage it promotes from. */
export const WATCHED_OPERATIONS: readonly string[] = [
  'codedeploy:ListDeployments',
  'codedeploy:GetDeployment',
  'codedeploy:BatchGetDeployments',
  'codedeploy:GetDeploymentGroup',
  'codedeploy:ListDeploymentTargets',
  'codedeploy:BatchGetDeploymentTargets',
  // The image the earlier stage boots (its stack's MachineImage output).
  'cloudformation:DescribeStacks',
];

export function cliPermissions(operation: string, arns: Arns, opts: { readonly publishes: boolean }): Permission[] {
  const mapping = MAPPINGS[operation];
  if (mapping === undefined) {
    throw new Error(
      `the release CLI calls ${operation}, which has no IAM mapping in test/helpers/release-cli-permissions.ts: add its action(s) and resource, then grant them`,
    );
  }
  return mapping(arns, opts);
}
