// The role the scheduled machine-image workflow assumes: it reads which Amazon Linux 2023 image is
// the latest, and nothing of the account.
import { Stack, Validations, type Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, type IOidcProvider, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { githubPrincipal } from './github-principal.ts';

export interface GithubMachineImagesRoleProps {
  readonly provider: IOidcProvider;
  readonly roleName: string;
  /** The OIDC `sub` of the workflow's job, on the default branch. */
  readonly subject: string;
  readonly maxSessionDuration: Duration;
}

/**
 * Reads AWS's public parameters under /aws/service/ami-amazon-linux-latest/ and describes
 * images. Both are public data, so any job on the default branch may hold it.
 */
export class GithubMachineImagesRole extends Construct {
  readonly role: IRole;

  constructor(scope: Construct, id: string, props: GithubMachineImagesRoleProps) {
    super(scope, id);
    const { partition, region } = Stack.of(this);
    const role = new Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: githubPrincipal(props.provider, props.subject),
      maxSessionDuration: props.maxSessionDuration,
      description: `GitHub Actions (${props.subject}) reads the latest Amazon Linux 2023 images`,
    });
    // Public parameters carry no account in their ARN.
    const parameters = `arn:${partition}:ssm:${region}::parameter/aws/service/ami-amazon-linux-latest/*`;
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'LatestAmazonLinux', actions: ['ssm:GetParameters'], resources: [parameters] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'DescribeImages', actions: ['ec2:DescribeImages'], resources: ['*'] }),
    );
    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${parameters}]`,
        reason: "AWS's public Amazon Linux parameters, one per architecture and kernel; read-only.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:DescribeImages supports no resource type in IAM; it only reads image descriptions.',
      },
    );
    this.role = role;
  }
}
