// Creates a CodeDeploy deployment of one S3 object version; waits (bounded) if the group is busy,
// because CodeDeploy answers DeploymentLimitExceededException and the SDK does not retry it.
import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  type S3Location,
} from '@aws-sdk/client-codedeploy';
import type { StageName } from '@hello/config/define-project';
import { codeDeployApplicationName, deploymentGroupName, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { deploymentConsoleUrl } from './aws/aws-partition.js';
import type { AwsSession } from './aws-session.js';
import { CliError, EXIT } from './cli-error.js';
import { formatDuration } from './parse-values.js';
import { TERMINAL_STATUSES } from './read-deployment.js';
import type { ReleaseDeps } from './release-deps.js';

export interface StartOptions {
  readonly stage: StageName;
  readonly revision: S3Location;
  readonly description: string;
  /** How long to wait for a deployment already running on the group. */
  readonly busyWaitMs: number;
  readonly pollMs?: number;
}

const ACTIVE = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

async function activeDeployment(session: AwsSession, application: string, group: string): Promise<string | undefined> {
  const out = await session.call('codedeploy:ListDeployments', `${application}/${group}`, () =>
    session.clients.codeDeploy.send(new ListDeploymentsCommand({ applicationName: application, deploymentGroupName: group, includeOnlyStatuses: [...ACTIVE] })));
  return out.deployments?.[0];
}

async function isFinished(session: AwsSession, deploymentId: string): Promise<boolean> {
  const out = await session.call('codedeploy:GetDeployment', deploymentId, () =>
    session.clients.codeDeploy.send(new GetDeploymentCommand({ deploymentId })));
  return TERMINAL_STATUSES.has(out.deploymentInfo?.status ?? 'Unknown');
}

/** Returns the new deployment's id. */
export async function startDeployment(deps: ReleaseDeps, session: AwsSession, options: StartOptions): Promise<string> {
  const application = codeDeployApplicationName(project, options.stage);
  const group = deploymentGroupName(options.stage);
  const where = `${application}/${group}`;
  const pollMs = options.pollMs ?? 10_000;
  const deadline = deps.now() + options.busyWaitMs;
  const announced = new Set<string>();
  for (;;) {
    try {
      const out = await session.clients.codeDeploy.send(new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: group,
        revision: { revisionType: 'S3', s3Location: options.revision },
        description: options.description,
      }));
      if (out.deploymentId === undefined) throw new CliError(`codedeploy:CreateDeployment on ${where} returned no deployment id`);
      return out.deploymentId;
    } catch (error) {
      if ((error as { name?: string }).name !== 'DeploymentLimitExceededException') {
        throw session.explain(error, 'codedeploy:CreateDeployment', where, stageStackName(project, options.stage));
      }
    }
    const active = await activeDeployment(session, application, group);
    if (deps.now() >= deadline) {
      throw new CliError(
        `a deployment${active === undefined ? '' : ` (${active})`} is still in progress on ${where} after waiting ${formatDuration(options.busyWaitMs)}; ` +
          'let it finish (or stop it in the console) and run this command again',
        EXIT.timeout,
      );
    }
    if (active !== undefined && !announced.has(active)) {
      announced.add(active);
      deps.stderr.write(`deployment ${active} is already in progress on ${where}; waiting up to ${formatDuration(deadline - deps.now())} for it to finish: ${deploymentConsoleUrl(project.aws.region, active)}\n`);
    }
    while (active !== undefined && deps.now() < deadline && !(await isFinished(session, active))) {
      await deps.sleep(Math.min(pollMs, deadline - deps.now()));
    }
    if (active === undefined) await deps.sleep(Math.min(pollMs, Math.max(0, deadline - deps.now())));
  }
}
