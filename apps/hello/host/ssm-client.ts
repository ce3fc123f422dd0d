// The SSM client AfterInstall reads a stage's settings and secrets with. Everything else is the
// SDK's standard configuration: on EC2 the instance role's credentials through IMDSv2; anywhere,
// AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_SSM) and the AWS_* credential variables, which is how a
// local stand-in (moto_server) takes the place of SSM.
import { SSMClient } from '@aws-sdk/client-ssm';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Bounds each attempt, so that an unreachable endpoint fails AfterInstall with a message of ours
 * well inside the hook's timeout instead of the agent's "failed to complete" without a name.
 */
export const SSM_REQUEST_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 10_000 } as const;
/** Adaptive retries: every host of a stage asks at once when a deployment starts. */
export const SSM_MAX_ATTEMPTS = 4;

/** The stage's region (AWS_REGION when set: a stand-in may serve another). */
export function ssmRegion(env: Env, projectRegion: string): string {
  return env.AWS_REGION || projectRegion;
}

export function createSsmClient(env: Env, projectRegion: string): SSMClient {
  return new SSMClient({
    region: ssmRegion(env, projectRegion),
    retryMode: 'adaptive',
    maxAttempts: SSM_MAX_ATTEMPTS,
    requestHandler: SSM_REQUEST_TIMEOUTS,
  });
}
