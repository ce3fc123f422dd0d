// The Parameter Store and KMS calls behind a stage's settings and secrets, as IAM sees them: what
// a host's AfterInstall makes (GetParameters, then GetParameter per name, and the kms:Decrypt SSM
// makes on its behalf with the parameter's ARN as encryption context), and what nobody may.
import type { StageName } from '@hello/config/define-project';
import { parameterPath } from '@hello/config/naming';
import type { SimulatedPrincipal, SimulatedRequest } from './iam-simulation.ts';
import type { PolicyDocument } from './template-policies.ts';

/**
 * The parameter statement of AmazonSSMManagedInstanceCore (AWS managed policy reference, v2), which
 * every host role carries for Session Manager; the simulator does not know AWS managed policies,
 * so the host is simulated with it added, to show the role's deny holds against it.
 */
export const MANAGED_INSTANCE_CORE_PARAMETER_READS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: '*' }],
};

export const withManagedInstanceCore = (host: SimulatedPrincipal): SimulatedPrincipal => ({
  ...host,
  identityPolicies: [
    ...host.identityPolicies,
    { name: 'AmazonSSMManagedInstanceCore', policy: MANAGED_INSTANCE_CORE_PARAMETER_READS },
  ],
});

interface Where {
  readonly project: { readonly name: string };
  readonly account: string;
  readonly region: string;
}

/**
 * A customer managed key with KMS's default key policy ("Enable IAM User Permissions": the account
 * may grant it through IAM; AWS KMS developer guide, Default key policy), the case in which the
 * role's own kms:Decrypt statement decides. (aws/ssm, the default key, allows every principal of
 * the account through SSM by itself: ps-restrict-decryption in the Systems Manager user guide.)
 */
const defaultKeyPolicy = (w: Where): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${w.account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

const parameterArn = (w: Where, name: string): string => `arn:aws:ssm:${w.region}:${w.account}:parameter${name}`;
const keyArn = (w: Where): string => `arn:aws:kms:${w.region}:${w.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
// SSM also sends the parameter's ARN as encryption context (kms:EncryptionContext:PARAMETER_ARN);
// the simulator ignores context keys whose variable part follows a colon, so no policy here uses it.
const throughSsm = (w: Where): Record<string, string> => ({ 'kms:ViaService': `ssm.${w.region}.amazonaws.com` });

/** What the host of `stage` must be able to do with its own stage's parameters. */
export function allowedParameterRequests(w: Where, host: SimulatedPrincipal, stage: StageName): SimulatedRequest[] {
  const own = `${parameterPath(w.project, stage)}api-token`;
  return [
    ...['ssm:GetParameters', 'ssm:GetParameter'].map((action) => ({
      principal: host,
      action,
      resource: parameterArn(w, own),
      why: `AfterInstall reads ${stage}'s settings and secrets`,
    })),
    {
      principal: host,
      action: 'kms:Decrypt',
      resource: keyArn(w),
      context: throughSsm(w),
      resourcePolicy: defaultKeyPolicy(w),
      why: `SSM decrypts a ${stage} SecureString for the host`,
    },
  ];
}

/** What the host of `stage` must never do: another stage's, another path's, a direct decrypt. */
export function deniedParameterRequests(w: Where, host: SimulatedPrincipal, stage: StageName): SimulatedRequest[] {
  const other: StageName = stage === 'staging' ? 'prod' : 'staging';
  const theirs = `${parameterPath(w.project, other)}api-token`;
  const path = parameterPath(w.project, stage);
  const requests: SimulatedRequest[] = [];
  const deny = (action: string, resource: string, why: string, context?: Record<string, string>) =>
    requests.push({
      principal: host,
      action,
      resource,
      why,
      ...(context === undefined ? {} : { context }),
      ...(action.startsWith('kms:') ? { resourcePolicy: defaultKeyPolicy(w) } : {}),
    });
  for (const action of ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParameterHistory'])
    deny(action, parameterArn(w, theirs), `read ${other}'s secret`);
  // The stage's path without its last slash as a prefix of another one's.
  deny(
    'ssm:GetParameter',
    parameterArn(w, `${path.slice(0, -1)}-old/api-token`),
    'read a path that only starts like its own',
  );
  deny('ssm:GetParameter', parameterArn(w, '/billing/prod/db-password'), "read another application's secret");
  deny('ssm:GetParametersByPath', parameterArn(w, `/${w.project.name}`), 'read every stage below the project');
  deny('kms:Decrypt', keyArn(w), 'decrypt directly, not through SSM');
  deny('kms:Decrypt', keyArn(w), 'decrypt through another service', {
    'kms:ViaService': `secretsmanager.${w.region}.amazonaws.com`,
  });
  return requests;
}
