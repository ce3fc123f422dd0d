// A checked connection to the configured account: every command opens one before calling AWS.
import { project } from '@hello/config/project';
import { assertAccount, type Caller } from '../aws/assert-account.js';
import type { AwsClients } from '../aws/aws-clients.js';
import { explainAwsError } from '../aws/explain-aws-error.js';
import type { ReleaseDeps } from './release-deps.js';

export interface AwsSession {
  readonly clients: AwsClients;
  readonly caller: Caller;
  /** Runs one AWS call; a failure becomes a CliError naming the caller, action and resource. */
  call<T>(action: string, resource: string, fn: () => Promise<T>, stack?: string): Promise<T>;
  explain(error: unknown, action: string, resource: string, stack?: string): Error;
}

export async function openSession(deps: ReleaseDeps): Promise<AwsSession> {
  const clients = deps.aws();
  const resource = `account ${project.aws.account}`;
  let caller: Caller;
  try {
    caller = await assertAccount(clients.sts, project.aws.account);
  } catch (error) {
    throw explainAwsError(error, { action: 'sts:GetCallerIdentity', resource });
  }
  const explain = (error: unknown, action: string, on: string, stack?: string): Error =>
    explainAwsError(error, { action, resource: on, callerArn: caller.arn, ...(stack === undefined ? {} : { stack }) });
  return {
    clients,
    caller,
    explain,
    async call(action, on, fn, stack) {
      try {
        return await fn();
      } catch (error) {
        throw explain(error, action, on, stack);
      }
    },
  };
}
