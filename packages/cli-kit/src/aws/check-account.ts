// The account check every AWS-calling CLI of the workspace runs first (release commands and
// packages/infra's `pnpm infra:*`): one STS call, and a failure explained rather than thrown raw.
import { STSClient } from '@aws-sdk/client-sts';
import { project } from '@hello/config/project';
import { assertAccount, type Caller } from './assert-account.ts';
import { retrySettings } from './retry-settings.ts';
import { explainAwsError } from './explain-aws-error.ts';

export type { Caller } from './assert-account.ts';

/** Throws a CliError unless the credentials belong to the configured account. */
export async function checkAccount(sts: STSClient): Promise<Caller> {
  try {
    return await assertAccount(sts, project.aws.account);
  } catch (error) {
    throw explainAwsError(error, { action: 'sts:GetCallerIdentity', resource: `account ${project.aws.account}` });
  }
}

/** An STS client configured like every AWS client of the workspace (project region, patient retries). */
export function createStsClient(env: Readonly<Record<string, string | undefined>>): STSClient {
  return new STSClient({ region: project.aws.region, ...retrySettings(env) });
}
