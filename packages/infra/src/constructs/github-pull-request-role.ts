// The read-only role pull requests assume to run `cdk diff --no-change-set` against the deployed stacks.
import { Stack, Validations, type Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, type IOidcProvider, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { githubPrincipal } from './github-principal.ts';

export interface GithubPullRequestRoleProps {
  readonly provider: IOidcProvider;
  readonly roleName: string;
  /** The OIDC `sub` of pull request jobs, `<subject prefix>:pull_request`. */
  readonly subject: string;
  /** Name of the diff role (assumed as the stage stacks' lookup role); a name, since that role trusts this one. */
  readonly diffRoleName: string;
  /** Stacks deployed with CLI credentials (the foundation): diff reads their templates directly. */
  readonly directlyReadStackNames: readonly string[];
  /** Session length, the same as a deploy job's. */
  readonly maxSessionDuration: Duration;
}

/**
 * Pull requests can run code from any contributor, so this role reads templates only: it assumes
 * the diff role and never a bootstrap role. A change-set diff would need the deploy role: run diff
 * with --no-change-set.
 */
export class GithubPullRequestRole extends Construct {
  readonly role: IRole;

  constructor(scope: Construct, id: string, props: GithubPullRequestRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const role = new Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: githubPrincipal(props.provider, props.subject),
      maxSessionDuration: props.maxSessionDuration,
      description: `GitHub Actions (${props.subject}) reads the deployed stacks for cdk diff`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DiffStacks',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [
          stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: props.diffRoleName }),
        ],
      }),
    );
    const stackArns = props.directlyReadStackNames.map((name) =>
      stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${name}/*` }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadFoundationTemplate',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
        resources: stackArns,
      }),
    );
    Validations.of(role).acknowledge(
      ...stackArns.map((arn) => ({
        id: `AwsSolutions-IAM5[Resource::${arn}]`,
        reason: 'A stack ARN ends in a random id; the wildcard covers only this one stack.',
      })),
    );
    this.role = role;
  }
}
