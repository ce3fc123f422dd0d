// Creates a CodeDeploy deployment of one S3 object version; waits (bounded) if the group is busy,
// because CodeDeploy answers DeploymentLimitExceededException and the SDK does not retry it.
import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  type AlarmConfiguration,
  ListDeploymentsCommand,
  type S3Location,
} from '@aws-sdk/client-codedeploy';
import type { StageName } from '@hello/config/define-project';
import { codeDeployApplicationName, deploymentGroupName, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { deploymentConsoleUrl } from './aws/aws-partition.ts';
import type { AwsSession } from './aws-session.ts';
import { CliError, EXIT } from '@hello/cli-kit/cli-error';
import { formatDuration } from './parse-values.ts';
import { TERMINAL_STATUSES } from './read-deployment.ts';
import type { ReleaseDeps } from './release-deps.ts';
import { readDeploymentGroup } from './successful-revisions.ts';

/**
 * When a deployment ignores the group's CloudWatch alarms. `override-first`: only the group's
 * first deployment (GetDeploymentGroup has no lastSuccessfulDeployment): its hosts have no
 * revision yet, fail the load balancer's health check, and the unhealthy-hosts alarm is already
 * in ALARM, which would stop the deployment that fixes it. `override-rollback`: always (an
 * incident's rollback must not be blocked by the alarm it is fixing).
 */
export type AlarmPolicy = 'override-first' | 'override-rollback';

/**
 * CreateDeploymentInput.overrideAlarmConfiguration (AlarmConfiguration: enabled,
 * ignorePollAlarmFailure, alarms). AWS's CodeDeploy API reference: "set its alarm configuration to
 * turn off alarm polling"; specifying it needs the codedeploy:UpdateDeploymentGroup permission on
 * the group in addition to codedeploy:CreateDeployment.
 */
export const ALARMS_OFF: AlarmConfiguration = { enabled: false };

export interface StartOptions {
  readonly stage: StageName;
  readonly revision: S3Location;
  readonly description: string;
  readonly alarms: AlarmPolicy;
  /** How long to wait for a deployment already running on the group. */
  readonly busyWaitMs: number;
  readonly pollMs?: number;
}

const ACTIVE = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

async function activeDeployment(session: AwsSession, application: string, group: string): Promise<string | undefined> {
  const out = await session.call('codedeploy:ListDeployments', `${application}/${group}`, () =>
    session.clients.codeDeploy.send(
      new ListDeploymentsCommand({
        applicationName: application,
        deploymentGroupName: group,
        includeOnlyStatuses: [...ACTIVE],
      }),
    ),
  );
  return out.deployments?.[0];
}

async function isFinished(session: AwsSession, deploymentId: string): Promise<boolean> {
  const out = await session.call('codedeploy:GetDeployment', deploymentId, () =>
    session.clients.codeDeploy.send(new GetDeploymentCommand({ deploymentId })),
  );
  return TERMINAL_STATUSES.has(out.deploymentInfo?.status ?? 'Unknown');
}

async function alarmOverride(
  deps: ReleaseDeps,
  session: AwsSession,
  options: StartOptions,
  where: string,
): Promise<AlarmConfiguration | undefined> {
  if (options.alarms === 'override-rollback') {
    deps.stdout.write(
      `alarms of ${where} are overridden for this rollback: an incident's rollback is not blocked by the alarm it fixes\n`,
    );
    return ALARMS_OFF;
  }
  const group = await readDeploymentGroup(session, options.stage);
  if (group.lastSuccessfulDeployment?.deploymentId !== undefined) return undefined;
  deps.stdout.write(
    `alarms of ${where} are overridden for this first deployment: the group never had a successful one, so its hosts have no revision and fail the health check the alarm watches\n`,
  );
  return ALARMS_OFF;
}

/** Returns the new deployment's id. */
export async function startDeployment(deps: ReleaseDeps, session: AwsSession, options: StartOptions): Promise<string> {
  const application = codeDeployApplicationName(project, options.stage);
  const group = deploymentGroupName(options.stage);
  const where = `${application}/${group}`;
  const pollMs = options.pollMs ?? 10_000;
  const deadline = deps.now() + options.busyWaitMs;
  const announced = new Set<string>();
  const override = await alarmOverride(deps, session, options, where);
  for (;;) {
    try {
      const out = await session.clients.codeDeploy.send(
        new CreateDeploymentCommand({
          applicationName: application,
          deploymentGroupName: group,
          revision: { revisionType: 'S3', s3Location: options.revision },
          description: options.description,
          ...(override === undefined ? {} : { overrideAlarmConfiguration: override }),
        }),
      );
      if (out.deploymentId === undefined)
        throw new CliError(`codedeploy:CreateDeployment on ${where} returned no deployment id`);
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
      deps.stderr.write(
        `deployment ${active} is already in progress on ${where}; waiting up to ${formatDuration(deadline - deps.now())} for it to finish: ${deploymentConsoleUrl(project.aws.region, active)}\n`,
      );
    }
    while (active !== undefined && deps.now() < deadline && !(await isFinished(session, active))) {
      await deps.sleep(Math.min(pollMs, deadline - deps.now()));
    }
    if (active === undefined) await deps.sleep(Math.min(pollMs, Math.max(0, deadline - deps.now())));
  }
}
