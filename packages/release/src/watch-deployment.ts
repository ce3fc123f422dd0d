// Follows a deployment to its end: polls with backoff, renders each host, explains a failure.
import { project } from '@hello/config/project';
import { deploymentConsoleUrl } from './aws/aws-partition.ts';
import type { AwsSession } from './aws-session.ts';
import { CliError, EXIT, type ExitCode } from '@hello/cli-kit/cli-error';
import { describeFailure, unsuccessfulHosts } from './describe-failure.ts';
import { formatDuration } from './parse-values.ts';
import { readDeployment, TERMINAL_STATUSES, type DeploymentSnapshot } from './read-deployment.ts';
import type { ReleaseDeps } from './release-deps.ts';
import { createProgressRenderer } from './render-progress.ts';

export interface WatchOptions {
  readonly deploymentId: string;
  /** Give up (exit 3) after this long; the deployment itself goes on. */
  readonly timeoutMs: number;
  /** First and shortest poll interval; it grows while nothing changes. */
  readonly minIntervalMs?: number;
  readonly maxIntervalMs?: number;
}

/** Default bound of `watch` and of `deploy` / `promote` / `rollback` while they watch. */
export const DEFAULT_WATCH_TIMEOUT = '30m';

function fingerprint(s: DeploymentSnapshot): string {
  return JSON.stringify([s.status, s.hosts.map((h) => [h.id, h.status, h.events.map((e) => e.status)])]);
}

/** Exit 0 when the deployment succeeded; a CliError (exit 1, or 3 on timeout) otherwise. */
export async function watchDeployment(
  deps: ReleaseDeps,
  session: AwsSession,
  options: WatchOptions,
): Promise<ExitCode> {
  const { deploymentId, timeoutMs } = options;
  const minInterval = options.minIntervalMs ?? 3000;
  const maxInterval = options.maxIntervalMs ?? 20_000;
  const consoleUrl = deploymentConsoleUrl(project.aws.region, deploymentId);
  const renderer = createProgressRenderer(deps, consoleUrl);
  const deadline = deps.now() + timeoutMs;
  let interval = minInterval;
  let last = '';
  for (;;) {
    const snapshot = await readDeployment(session, deploymentId);
    renderer.update(snapshot);
    if (TERMINAL_STATUSES.has(snapshot.status) || deps.now() >= deadline) {
      await renderer.finish(snapshot);
      if (snapshot.status === 'Succeeded' && unsuccessfulHosts(snapshot).length === 0) {
        deps.stdout.write(`deployment ${deploymentId} succeeded on ${snapshot.hosts.length} host(s)\n`);
        return EXIT.ok;
      }
      // Any host that did not succeed fails the run, whatever CodeDeploy's overall status says.
      if (TERMINAL_STATUSES.has(snapshot.status)) throw new CliError(describeFailure(snapshot, consoleUrl).join('\n'));
      throw new CliError(
        `timed out after ${formatDuration(timeoutMs)}: deployment ${deploymentId} is still ${snapshot.status}. ` +
          `It goes on in AWS; follow it with \`pnpm release watch ${deploymentId}\` or ${consoleUrl}`,
        EXIT.timeout,
      );
    }
    const now = fingerprint(snapshot);
    interval = now === last ? Math.min(Math.round(interval * 1.5), maxInterval) : minInterval;
    last = now;
    await deps.sleep(Math.max(0, Math.min(interval, deadline - deps.now())));
  }
}
