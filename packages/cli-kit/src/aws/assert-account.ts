// Refuses to touch anything unless the credentials belong to the configured account.
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { CliError } from '../cli-error.ts';

export interface Caller {
  readonly account: string;
  readonly arn: string;
}

/** Calls STS GetCallerIdentity and throws a CliError naming both accounts when they differ. */
export async function assertAccount(sts: STSClient, expected: string): Promise<Caller> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  const account = identity.Account ?? 'unknown';
  const arn = identity.Arn ?? 'unknown';
  if (account !== expected) {
    throw new CliError(
      `wrong AWS account: expected ${expected} (aws.account in packages/config/src/project.ts), ` +
        `found ${account} (signed in as ${arn}). Nothing was changed. Sign in to account ${expected} ` +
        '(e.g. AWS_PROFILE=<profile>, aws sso login) or correct aws.account.',
    );
  }
  return { account, arn };
}
