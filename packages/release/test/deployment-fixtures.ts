// Scripted CodeDeploy deployments for watch/deploy tests: each GetDeployment moves one step on.
import {
  BatchGetDeploymentTargetsCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
  type DeploymentTarget,
  type LifecycleEvent,
} from '@aws-sdk/client-codedeploy';
import type { mockAws } from './release-test-deps.ts';

type CodeDeployMock = ReturnType<typeof mockAws>['codeDeploy'];

export const HOOKS = [
  'ApplicationStop',
  'DownloadBundle',
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
];

export interface Step {
  readonly status: string;
  readonly hosts: readonly DeploymentTarget[];
  readonly error?: { code: string; message: string };
}

/** A host whose first `done` hooks succeeded, the next has `current` status, the rest pending. */
export function host(
  id: string,
  status: string,
  done: number,
  current?: string,
  diagnostics?: LifecycleEvent['diagnostics'],
): DeploymentTarget {
  const t0 = new Date('2026-11-26T10:00:00Z').getTime();
  const lifecycleEvents: LifecycleEvent[] = HOOKS.map((name, i) => {
    if (i < done)
      return {
        lifecycleEventName: name,
        status: 'Succeeded',
        startTime: new Date(t0 + i * 2000),
        endTime: new Date(t0 + i * 2000 + 1500),
      };
    if (i === done && current !== undefined)
      return {
        lifecycleEventName: name,
        status: current as LifecycleEvent['status'],
        startTime: new Date(t0 + i * 2000),
        diagnostics,
      };
    return { lifecycleEventName: name, status: 'Pending' };
  });
  return {
    deploymentTargetType: 'InstanceTarget',
    instanceTarget: { targetId: id, status: status as 'InProgress', lifecycleEvents },
  };
}

/** Plays `steps` one GetDeployment at a time (the last repeats); lists targets one per page. */
export function scriptDeployment(codeDeploy: CodeDeployMock, deploymentId: string, steps: readonly Step[]): void {
  let index = -1;
  const current = (): Step => steps[Math.min(index, steps.length - 1)] as Step;
  codeDeploy.on(GetDeploymentCommand, { deploymentId }).callsFake(() => {
    index += 1;
    const step = current();
    return {
      deploymentInfo: {
        deploymentId,
        status: step.status,
        applicationName: 'hello-staging',
        deploymentGroupName: 'staging',
        errorInformation: step.error,
      },
    };
  });
  codeDeploy.on(ListDeploymentTargetsCommand, { deploymentId }).callsFake((input: { nextToken?: string }) => {
    const ids = current().hosts.map((h) => h.instanceTarget?.targetId as string);
    const at = input.nextToken === undefined ? 0 : Number(input.nextToken);
    const next = at + 1 < ids.length ? String(at + 1) : undefined;
    return { targetIds: ids.slice(at, at + 1), nextToken: next };
  });
  codeDeploy.on(BatchGetDeploymentTargetsCommand, { deploymentId }).callsFake((input: { targetIds: string[] }) => ({
    deploymentTargets: current().hosts.filter((h) => input.targetIds.includes(h.instanceTarget?.targetId as string)),
  }));
}
