// The read-only role pull requests assume to run `cdk diff --no-change-set` against the deployed stacks.
import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, type IOidcProvider, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { cdkBootstrapRoleArn } from './cdk-bootstrap-roles.js';
import { githubPrincipal } from './github-principal.js';

export interface GithubPullRequestRoleProps {
  readonly provider: IOidcProvider;
  readonly roleName: string;
  /** The OIDC `sub` of pull request jobs, `repo:OWNER/REPO:pull_request`. */
  readonly subject: string;
}

/**
 * Pull requests can run code from any contributor, so this role may only assume the bootstrap
 * lookup role (read-only). A change-set diff would need the deploy role: run diff with --no-change-set.
 */
export class GithubPullRequestRole extends Construct {
  readonly role: IRole;

  constructor(scope: Construct, id: string, props: GithubPullRequestRoleProps) {
    super(scope, id);
    const role = new Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: githubPrincipal(props.provider, props.subject),
      maxSessionDuration: Duration.hours(1),
      description: `GitHub Actions (${props.subject}) reads the deployed stacks for cdk diff`,
    });
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: 'DiffStacks',
      actions: ['sts:AssumeRole'],
      resources: [cdkBootstrapRoleArn(this, 'lookup')],
    }));
    this.role = role;
  }
}
