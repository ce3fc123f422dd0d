// The SDK retry settings of every AWS client the workspace's commands create (release, infra:*).

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Adaptive retries with 8 attempts, because a pipeline polling CodeDeploy gets throttled and the
 * SDK's 3 attempts give up too soon; a user's own AWS_MAX_ATTEMPTS / AWS_RETRY_MODE win.
 */
export function retrySettings(env: Env): { retryMode?: string; maxAttempts?: number } {
  if (env.AWS_MAX_ATTEMPTS !== undefined || env.AWS_RETRY_MODE !== undefined) return {};
  return { retryMode: 'adaptive', maxAttempts: 8 };
}
