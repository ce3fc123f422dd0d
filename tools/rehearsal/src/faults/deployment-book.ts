// The stand-in CodeDeploy's deployments, kept in the shapes of CodeDeploy's API (DeploymentInfo,
// InstanceTarget, LifecycleEvent, Diagnostics), so the fake API can serve them to the real
// release CLI. Written as the rehearsal's rollouts run.
import { LIFECYCLE, type Diagnostics, type EventStatus } from '../code-deploy-agent.ts';
import type { LifecycleEventName } from '../traffic-control.ts';

/** An in-place deployment with a load balancer, in CodeDeploy's run order. */
export const INSTANCE_EVENTS: readonly LifecycleEventName[] = [
  'BeforeBlockTraffic',
  'BlockTraffic',
  'AfterBlockTraffic',
  ...LIFECYCLE,
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
];
/**
 * ErrorInformation of a deployment that failed on too many hosts: the text CodeDeploy shows
 * (HEALTH_CONSTRAINTS, CodeDeploy User Guide, "Error codes for CodeDeploy").
 */
export const HEALTH_CONSTRAINTS = {
  code: 'HEALTH_CONSTRAINTS',
  message:
    'The overall deployment failed because too many individual instances failed deployment, too few healthy instances are available for deployment, or some instances in your deployment group are experiencing problems.',
} as const;

export type TargetStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';

export interface EventRecord {
  readonly lifecycleEventName: LifecycleEventName;
  status: TargetStatus;
  startTime?: Date;
  endTime?: Date;
  diagnostics?: Diagnostics;
}

export interface TargetRecord {
  readonly targetId: string;
  status: TargetStatus;
  lastUpdatedAt: Date;
  readonly lifecycleEvents: EventRecord[];
}

export interface DeploymentRecord {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly createTime: Date;
  status: 'Created' | 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';
  completeTime?: Date;
  errorInformation?: { readonly code: string; readonly message: string };
  readonly targets: TargetRecord[];
}

export class DeploymentBook {
  private readonly deployments = new Map<string, DeploymentRecord>();
  private count = 0;
  private readonly now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  /** A new deployment to `hosts`, every host and event Pending; its id. */
  create(applicationName: string, deploymentGroupName: string, hosts: readonly string[]): string {
    const deploymentId = `d-REHEARSAL${String(++this.count).padStart(3, '0')}`;
    this.deployments.set(deploymentId, {
      deploymentId,
      applicationName,
      deploymentGroupName,
      createTime: this.now(),
      status: 'InProgress',
      targets: hosts.map((targetId) => ({
        targetId,
        status: 'Pending',
        lastUpdatedAt: this.now(),
        lifecycleEvents: INSTANCE_EVENTS.map((lifecycleEventName) => ({ lifecycleEventName, status: 'Pending' })),
      })),
    });
    return deploymentId;
  }

  get(deploymentId: string): DeploymentRecord | undefined {
    return this.deployments.get(deploymentId);
  }

  private target(deploymentId: string, host: string): TargetRecord {
    const target = this.get(deploymentId)?.targets.find((t) => t.targetId === host);
    if (target === undefined) throw new Error(`deployment ${deploymentId} has no target ${host}`);
    return target;
  }

  /** One lifecycle event of one host; a failed event fails the host and skips its other events. */
  event(
    deploymentId: string,
    host: string,
    name: LifecycleEventName,
    status: EventStatus,
    diagnostics?: Diagnostics,
  ): void {
    const target = this.target(deploymentId, host);
    const event = target.lifecycleEvents.find((e) => e.lifecycleEventName === name)!;
    const now = this.now();
    target.lastUpdatedAt = now;
    event.status = status;
    if (status === 'InProgress') {
      event.startTime = now;
      target.status = 'InProgress';
      return;
    }
    event.endTime = now;
    if (diagnostics !== undefined) event.diagnostics = diagnostics;
    if (status === 'Succeeded') {
      if (name === INSTANCE_EVENTS.at(-1)) target.status = 'Succeeded';
      return;
    }
    target.status = 'Failed';
    for (const e of target.lifecycleEvents) if (e.status === 'Pending') e.status = 'Skipped';
  }

  /**
   * A host CodeDeploy no longer hears from (terminated, or its agent gone): Failed, with the
   * event it was in left as it was, since nothing reported its end.
   */
  lost(deploymentId: string, host: string): void {
    const target = this.target(deploymentId, host);
    target.status = 'Failed';
    target.lastUpdatedAt = this.now();
    for (const e of target.lifecycleEvents) if (e.status === 'Pending') e.status = 'Skipped';
  }

  /** The end of a deployment: hosts never reached are Skipped; a failure says HEALTH_CONSTRAINTS. */
  finish(deploymentId: string, status: 'Succeeded' | 'Failed'): void {
    const d = this.get(deploymentId)!;
    d.status = status;
    d.completeTime = this.now();
    if (status === 'Failed') d.errorInformation = HEALTH_CONSTRAINTS;
    for (const target of d.targets) {
      if (target.status !== 'Pending') continue;
      target.status = 'Skipped';
      for (const e of target.lifecycleEvents) e.status = 'Skipped';
    }
  }
}
