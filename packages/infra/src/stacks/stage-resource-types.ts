// Catches at synth time (so in every pull request's `pnpm synth` and in the tests) a stage stack
// that creates a kind of resource its CDK execution policy does not allow, which would otherwise
// pass every check and fail in the stage's `cdk deploy`.
import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { ManagedPolicy } from 'aws-cdk-lib/aws-iam';

/** IAM service prefixes of the CloudFormation namespaces whose lowercase name is not the prefix. */
const SERVICE_PREFIXES: Readonly<Record<string, string>> = {
  ApplicationAutoScaling: 'application-autoscaling',
  CertificateManager: 'acm',
  ElasticLoadBalancing: 'elasticloadbalancing',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  StepFunctions: 'states',
};

/**
 * The call CloudFormation makes to create a type, where it is not `<prefix>:Create<Type>` (from each
 * type's resource schema, handlers.create.permissions). Custom resources invoke their provider.
 */
const CREATE_ACTIONS: Readonly<Record<string, string>> = {
  'AWS::IAM::ManagedPolicy': 'iam:CreatePolicy',
  'AWS::IAM::Policy': 'iam:PutRolePolicy',
  'AWS::Route53::RecordSet': 'route53:ChangeResourceRecordSets',
  'AWS::SNS::Subscription': 'sns:Subscribe',
  'AWS::SNS::TopicPolicy': 'sns:SetTopicAttributes',
  'AWS::SSM::Parameter': 'ssm:PutParameter',
  'AWS::Events::Rule': 'events:PutRule',
  'AWS::CloudWatch::Alarm': 'cloudwatch:PutMetricAlarm',
  'AWS::CloudWatch::Dashboard': 'cloudwatch:PutDashboard',
  'AWS::AutoScaling::ScalingPolicy': 'autoscaling:PutScalingPolicy',
  'AWS::CloudFormation::CustomResource': 'lambda:InvokeFunction',
};

/** Types CloudFormation handles itself, with no call to another service. */
const NO_CALL = new Set(['AWS::CDK::Metadata', 'AWS::CloudFormation::WaitConditionHandle']);

/** The IAM action CloudFormation needs to create a resource of `type`, or undefined when it needs none. */
export function createActionOf(type: string): string | undefined {
  if (NO_CALL.has(type)) return undefined;
  if (type.startsWith('Custom::')) return CREATE_ACTIONS['AWS::CloudFormation::CustomResource'];
  const known = CREATE_ACTIONS[type];
  if (known !== undefined) return known;
  const [, namespace = '', name = ''] = type.split('::');
  return `${SERVICE_PREFIXES[namespace] ?? namespace.toLowerCase()}:Create${name}`;
}

interface Statement {
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: unknown;
}

/** IAM's action matching: case-insensitive, `*` and `?` as wildcards. */
function matches(pattern: string, action: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(action);
}

const statements = (policy: ManagedPolicy): readonly Statement[] =>
  (policy.document.toJSON() as { Statement: Statement[] }).Statement;
const actionsOf = (st: Statement): string[] => [st.Action ?? []].flat();

/** What a stage's deployment may do: the execution policy, within the boundary. */
export interface StageDeployment {
  readonly executionPolicy: ManagedPolicy;
  readonly executionPolicyName: string;
  readonly boundary: ManagedPolicy;
  readonly foundationStackName: string;
}

/**
 * One line per resource type of `stage` that `deployment` does not allow: granted by no Allow
 * statement of the execution policy, or denied for every resource by the boundary.
 */
export function stageResourceTypeProblems(stage: Stack, deployment: StageDeployment): string[] {
  const types = new Set(
    stage.node
      .findAll()
      .filter(CfnResource.isCfnResource)
      .map((r) => r.cfnResourceType),
  );
  const allowed = statements(deployment.executionPolicy).filter((st) => st.Effect === 'Allow');
  const denied = statements(deployment.boundary).filter(
    (st) => st.Effect === 'Deny' && st.Condition === undefined && [st.Resource].flat().includes('*'),
  );
  const problems: string[] = [];
  for (const type of [...types].sort()) {
    const action = createActionOf(type);
    if (action === undefined) continue;
    const granted = allowed.some((st) => actionsOf(st).some((a) => matches(a, action)));
    const fenced = denied.some((st) => actionsOf(st).some((a) => matches(a, action)));
    if (granted && !fenced) continue;
    problems.push(
      `${stage.stackName} creates ${type}, which its CDK execution policy ${deployment.executionPolicyName} does not allow (CloudFormation needs ${action}${fenced ? ', which the stage boundary denies' : ''}). ` +
        `Grant it in StageDeploymentPolicies (packages/infra/src/constructs/stage-deployment-policies.ts); ` +
        `then an administrator must deploy the foundation (pnpm infra:deploy ${deployment.foundationStackName}) before ${stage.stackName} can deploy.`,
    );
  }
  return problems;
}

/** Fails the synth of `stage` (cdk synth, every test that synthesizes) on any such resource type. */
export function checkStageResourceTypes(stage: Stack, deployment: StageDeployment): void {
  stage.node.addValidation({ validate: () => stageResourceTypeProblems(stage, deployment) });
}
