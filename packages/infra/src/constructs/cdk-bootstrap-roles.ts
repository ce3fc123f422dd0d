// Names of what `cdk bootstrap --qualifier <q>` creates, which a stage's roles use to deploy its stack.
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** CDK's shared default qualifier: no role of this project may assume its roles (AdministratorAccess). */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** The bootstrap roles `cdk deploy` assumes: deploy (CloudFormation) and file-publishing (assets). */
export type CdkBootstrapRoleKind = 'deploy' | 'file-publishing' | 'image-publishing' | 'lookup' | 'cfn-exec';

/** ARN of one bootstrap role of `qualifier` in the scope's account and region (names from the bootstrap template). */
export function cdkBootstrapRoleArn(scope: Construct, kind: CdkBootstrapRoleKind, qualifier: string): string {
  const { account, region, partition } = Stack.of(scope);
  return `arn:${partition}:iam::${account}:role/cdk-${qualifier}-${kind}-role-${account}-${region}`;
}

/** The SSM parameter holding the bootstrap version, which `cdk deploy` and CloudFormation read. */
export function cdkBootstrapVersionParameterArn(scope: Construct, qualifier: string): string {
  const { account, region, partition } = Stack.of(scope);
  return `arn:${partition}:ssm:${region}:${account}:parameter/cdk-bootstrap/${qualifier}/version`;
}

/** The staging bucket of `qualifier`, where `cdk deploy` uploads templates and file assets. */
export function cdkAssetsBucketArn(scope: Construct, qualifier: string): string {
  const { account, region, partition } = Stack.of(scope);
  return `arn:${partition}:s3:::cdk-${qualifier}-assets-${account}-${region}`;
}
