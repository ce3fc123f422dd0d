// Shared tail of deploy, promote and rollback: start the deployment, say where to see it, watch it.
import type { S3Location } from '@aws-sdk/client-codedeploy';
import type { StageName } from '@hello/config/define-project';
import { project } from '@hello/config/project';
import { deploymentConsoleUrl } from './aws/aws-partition.ts';
import type { AwsSession } from './aws-session.ts';
import { EXIT, type ExitCode } from '@hello/cli-kit/cli-error';
import type { OptionSpec, ParsedArgs } from './command.ts';
import { expectedDeployTime } from './deploy-time-model.ts';
import { parseDuration } from './parse-values.ts';
import type { ReleaseDeps } from './release-deps.ts';
import { startDeployment, type AlarmPolicy } from './start-deployment.ts';
import { DEFAULT_WATCH_TIMEOUT, watchDeployment } from './watch-deployment.ts';

/** Options every deploying command takes. */
export const DEPLOY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'no-watch': { type: 'boolean', description: 'print the deployment id and return without watching' },
  timeout: {
    type: 'string',
    value: '<duration>',
    description: 'bound for watching the deployment (exit 3 after it)',
    default: DEFAULT_WATCH_TIMEOUT,
  },
  'busy-timeout': {
    type: 'string',
    value: '<duration>',
    description: 'bound for waiting while another deployment runs on the group',
    default: '20m',
  },
};

/** `... by <principal> (<GitHub run>)`: the console then says who started a deployment and from where. */
export function deploymentDescription(deps: ReleaseDeps, session: AwsSession, what: string): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = deps.env;
  const from =
    server !== undefined && repo !== undefined && run !== undefined
      ? ` from ${server}/${repo}/actions/runs/${run}`
      : '';
  return `${what} by ${session.caller.arn.split('/').slice(-2).join('/')}${from}`;
}

export interface DeploySettings {
  readonly watch: boolean;
  readonly timeoutMs: number;
  readonly busyWaitMs: number;
}

/** Checked before any AWS call, so a typo never leaves a deployment half-started. */
export function deploySettings(args: ParsedArgs): DeploySettings {
  return {
    watch: args.values['no-watch'] !== true,
    timeoutMs: parseDuration(String(args.values.timeout), '--timeout'),
    busyWaitMs: parseDuration(String(args.values['busy-timeout']), '--busy-timeout'),
  };
}

export async function deployRevision(
  deps: ReleaseDeps,
  session: AwsSession,
  settings: DeploySettings,
  target: { stage: StageName; revision: S3Location; description: string; alarms?: AlarmPolicy },
): Promise<ExitCode> {
  const { timeoutMs, busyWaitMs } = settings;
  const id = await startDeployment(deps, session, { ...target, alarms: target.alarms ?? 'override-first', busyWaitMs });
  const url = deploymentConsoleUrl(project.aws.region, id);
  const { bucket, key, version } = target.revision;
  deps.stdout.write(
    `started deployment ${id} of s3://${bucket}/${key} (object version ${version}) to ${target.stage}\n  ${url}\n  ${expectedDeployTime(target.stage)}\n`,
  );
  const output = deps.env.GITHUB_OUTPUT;
  if (output !== undefined && output !== '') await deps.appendFile(output, `deployment-id=${id}\n`);
  if (!settings.watch) return EXIT.ok;
  return watchDeployment(deps, session, { deploymentId: id, timeoutMs });
}
