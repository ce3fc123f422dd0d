// One look at a CodeDeploy deployment: its status and every host's lifecycle events.
import {
  BatchGetDeploymentTargetsCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
  type Diagnostics,
} from '@aws-sdk/client-codedeploy';
import type { AwsSession } from './aws-session.ts';

export interface HostEvent {
  readonly name: string;
  readonly status: string;
  readonly startTime?: Date | undefined;
  readonly endTime?: Date | undefined;
  readonly diagnostics?: Diagnostics | undefined;
}

export interface HostState {
  readonly id: string;
  readonly status: string;
  readonly events: readonly HostEvent[];
}

export interface DeploymentSnapshot {
  readonly id: string;
  readonly status: string;
  readonly application?: string | undefined;
  readonly group?: string | undefined;
  readonly error?: { readonly code?: string | undefined; readonly message?: string | undefined } | undefined;
  readonly hosts: readonly HostState[];
}

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Stopped']);

/** BatchGetDeploymentTargets takes at most 25 ids. */
const BATCH = 25;
/** ListDeploymentTargets has no paginator; a bound keeps a misbehaving endpoint from looping forever. */
const MAX_PAGES = 100;

async function listTargetIds(session: AwsSession, deploymentId: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let out;
    try {
      out = await session.clients.codeDeploy.send(new ListDeploymentTargetsCommand({ deploymentId, nextToken }));
    } catch (error) {
      // Hosts are attached once the deployment starts; until then there is nothing to show.
      if ((error as { name?: string }).name === 'DeploymentNotStartedException') return ids;
      throw session.explain(error, 'codedeploy:ListDeploymentTargets', deploymentId);
    }
    ids.push(...(out.targetIds ?? []));
    nextToken = out.nextToken;
    if (nextToken === undefined || nextToken === '') break;
  }
  return ids;
}

export async function readDeployment(session: AwsSession, deploymentId: string): Promise<DeploymentSnapshot> {
  const { codeDeploy } = session.clients;
  const { deploymentInfo: info } = await session.call('codedeploy:GetDeployment', deploymentId, () =>
    codeDeploy.send(new GetDeploymentCommand({ deploymentId })),
  );
  const ids = await listTargetIds(session, deploymentId);
  const hosts: HostState[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    const targetIds = ids.slice(i, i + BATCH);
    const out = await session.call('codedeploy:BatchGetDeploymentTargets', deploymentId, () =>
      codeDeploy.send(new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds })),
    );
    for (const target of out.deploymentTargets ?? []) {
      const t = target.instanceTarget;
      if (t === undefined) continue;
      hosts.push({
        id: t.targetId ?? 'unknown',
        status: t.status ?? 'Unknown',
        events: (t.lifecycleEvents ?? []).map((e) => ({
          name: e.lifecycleEventName ?? 'unknown',
          status: e.status ?? 'Unknown',
          startTime: e.startTime,
          endTime: e.endTime,
          diagnostics: e.diagnostics,
        })),
      });
    }
  }
  hosts.sort((a, b) => a.id.localeCompare(b.id));
  return {
    id: deploymentId,
    status: info?.status ?? 'Unknown',
    application: info?.applicationName,
    group: info?.deploymentGroupName,
    error: info?.errorInformation,
    hosts,
  };
}
