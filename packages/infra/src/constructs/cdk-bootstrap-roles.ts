// ARNs of the roles `cdk bootstrap` creates, which the GitHub roles assume to diff and deploy stacks.
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The default bootstrap qualifier; a custom one must be passed to both `cdk bootstrap` and the stacks. */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** `kind` is e.g. `lookup` or `*` (deploy, file-publishing, image-publishing, lookup). */
export function cdkBootstrapRoleArn(scope: Construct, kind: string, qualifier = DEFAULT_BOOTSTRAP_QUALIFIER): string {
  const { account, region, partition } = Stack.of(scope);
  return `arn:${partition}:iam::${account}:role/cdk-${qualifier}-${kind}-role-${account}-${region}`;
}
