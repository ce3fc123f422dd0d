// A checked connection to the configured account: every command opens one before calling AWS.
import type { AwsClients } from './aws/aws-clients.ts';
import { checkAccount, type Caller } from '@hello/cli-kit/aws/check-account';
import { explainAwsError } from '@hello/cli-kit/aws/explain-aws-error';
import type { ReleaseDeps } from './release-deps.ts';

export interface AwsSession {
  readonly clients: AwsClients;
  readonly caller: Caller;
  /** Runs one AWS call; a failure becomes a CliError naming the caller, action and resource. */
  call<T>(action: string, resource: string, fn: () => Promise<T>, stack?: string): Promise<T>;
  explain(error: unknown, action: string, resource: string, stack?: string): Error;
}

export async function openSession(deps: ReleaseDeps): Promise<AwsSession> {
  const clients = deps.aws();
  const caller: Caller = await checkAccount(clients.sts);
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
