// The hosts' read access to their own stage's settings and secrets in SSM Parameter Store, and
// to nothing else there.
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';

/** Parameter Store reads: AmazonSSMManagedInstanceCore (Session Manager) grants the first two on `*`. */
const PARAMETER_READS = ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:GetParameterHistory'];

/**
 * Lets `role` read the parameters below `path` (`/<name>/<stage>/`, naming.ts parameterPath) and
 * decrypt SecureStrings through SSM only, and denies it every other parameter, so the one
 * grant AmazonSSMManagedInstanceCore makes on all parameters (ssm:GetParameter/GetParameters on
 * `*`, AWS managed policy reference) cannot reach another stage's or another application's.
 */
export function grantStageParameters(role: Role, path: string): void {
  if (!/^\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/$/.test(path)) {
    throw new Error(
      `grantStageParameters path: ${JSON.stringify(path)} is not allowed; expected /<name>/<stage>/ (two levels, a slash at each end)`,
    );
  }
  const stack = Stack.of(role);
  const below = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${path.slice(1)}*` });
  const keys = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ReadOwnStageParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters'],
      resources: [below],
    }),
  );
  // SecureStrings decrypted by SSM on the host's behalf, never by a direct KMS call. SSM decrypts
  // only what the host may read (the statements around this one), so this reaches no other
  // stage's. AWS's key for SSM (aws/ssm) allows the same to every principal of the account; this
  // statement is what a customer managed key needs.
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'DecryptParametersThroughSsm',
      actions: ['kms:Decrypt'],
      resources: [keys],
      conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.${Aws.URL_SUFFIX}` } },
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'NoOtherParameters',
      effect: Effect.DENY,
      actions: PARAMETER_READS,
      notResources: [below],
    }),
  );
  Validations.of(role).acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::${below}]`,
      reason: "The stage's own parameter path: every setting and secret project.ts names for the stage lies below it.",
    },
    {
      id: `AwsSolutions-IAM5[Resource::${keys}]`,
      reason:
        'Any key of the account, but only through SSM (kms:ViaService), which decrypts only the parameters this role may read.',
    },
  );
}
