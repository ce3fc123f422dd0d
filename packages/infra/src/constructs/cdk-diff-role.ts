// The lookup role of this project's stacks: `cdk diff` reads the deployed templates through it.
import { Stack, Validations } from 'aws-cdk-lib';
import { ArnPrincipal, CompositePrincipal, PolicyStatement, Role, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { cdkBootstrapVersionParameterArn } from './cdk-bootstrap-roles.ts';

export interface CdkDiffRoleProps {
  readonly roleName: string;
  /** Roles that may assume it: the pull-request role and the deploy roles. */
  readonly trustedRoles: readonly IRole[];
  /** The stacks whose templates it may read. */
  readonly stackNames: readonly string[];
  /** Bootstrap qualifiers whose version parameter the CDK CLI checks through the lookup role. */
  readonly bootstrapQualifiers: readonly string[];
}

/**
 * Replaces the bootstrap lookup role (account-wide ReadOnlyAccess, which reads every S3 object and
 * log) as the stacks' `lookupRoleArn`: it reads exactly what `cdk diff --no-change-set` reads
 * (DescribeStacks, GetTemplate of these stacks and the bootstrap version), and no data.
 */
export class CdkDiffRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: CdkDiffRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: new CompositePrincipal(...props.trustedRoles.map((r) => new ArnPrincipal(r.roleArn))),
      description: 'cdk diff: reads the deployed templates of this project, nothing else',
    });
    const stackArns = props.stackNames.map((name) =>
      stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${name}/*` }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadTemplates',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
        resources: stackArns,
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadBootstrapVersion',
        actions: ['ssm:GetParameter'],
        resources: props.bootstrapQualifiers.map((q) => cdkBootstrapVersionParameterArn(this, q)),
      }),
    );
    Validations.of(this.role).acknowledge(
      ...stackArns.map((arn) => ({
        id: `AwsSolutions-IAM5[Resource::${arn}]`,
        reason: 'A stack ARN ends in a random id; the wildcard covers only this one stack.',
      })),
    );
  }
}
