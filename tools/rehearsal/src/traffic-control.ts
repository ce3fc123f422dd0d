// CodeDeploy's traffic control for one host, on haproxy: BlockTraffic (drain, wait until no
// request is on the host, take it out), the lifecycle hooks, AllowTraffic (put it back, wait
// until the health checks pass). Timings are the target group's, divided by the time scale.
// Every lifecycle event is reported as it starts and ends, in CodeDeploy's order for an in-place
// deployment with a load balancer (AppSpec reference, "Run order of hooks in an in-place
// deployment"); the Before/After traffic events have no scripts in this app and succeed at once.
import { DEFAULT_DEREGISTRATION_DELAY_SECONDS, HEALTH_CHECK } from '@hello/config/constants';
import type {
  CodeDeployAgent,
  Deployment,
  DeployOptions,
  Diagnostics,
  EventStatus,
  Step,
} from './code-deploy-agent.ts';
import type { Haproxy } from './haproxy.ts';

export type TrafficStep = Step | 'BlockTraffic' | 'AllowTraffic';
export type LifecycleEventName =
  TrafficStep | 'BeforeBlockTraffic' | 'AfterBlockTraffic' | 'BeforeAllowTraffic' | 'AfterAllowTraffic';

export interface HostDeployment {
  readonly host: string;
  readonly ok: boolean;
  readonly failed?: TrafficStep;
  readonly steps: Partial<Record<TrafficStep, number>>;
  readonly ms: number;
  readonly deployment: Deployment;
}

export interface TrafficTiming {
  /** Longest wait for in-flight requests to finish (the deregistration delay). */
  readonly drainMs: number;
  /** Longest wait for the health checks to mark a host healthy again. */
  readonly healthyMs: number;
}

export interface HostDeployOptions extends Omit<DeployOptions, 'onEvent'> {
  readonly onEvent?: (event: LifecycleEventName, status: EventStatus, diagnostics?: Diagnostics) => void;
  /**
   * Leaves the host in the balancer while its hooks run: traffic control broken on purpose, for
   * the fault matrix's control scenario, whose goal must then fail.
   */
  readonly skipBlockTraffic?: boolean;
}

export function trafficTiming(timeScale: number): TrafficTiming {
  const interval = (HEALTH_CHECK.intervalSeconds * 1000) / timeScale;
  return {
    drainMs: (DEFAULT_DEREGISTRATION_DELAY_SECONDS * 1000) / timeScale,
    // A check may have just run: one interval to the next, then `healthyThreshold` passing ones.
    healthyMs: (HEALTH_CHECK.healthyThreshold + 2) * interval + (HEALTH_CHECK.timeoutSeconds * 1000) / timeScale,
  };
}

/** Takes the host out of the balancer without failing a request. */
export async function blockTraffic(lb: Haproxy, host: string, t: TrafficTiming): Promise<void> {
  await lb.setState(host, 'drain');
  await lb.waitFor(host, 'drained', (s) => s.current === 0, t.drainMs);
  await lb.setState(host, 'maint');
}

/** Puts the host back and waits until haproxy sends it traffic again. */
export async function allowTraffic(lb: Haproxy, host: string, t: TrafficTiming): Promise<void> {
  await lb.setState(host, 'ready');
  await lb.waitFor(host, 'healthy', (s) => s.status === 'UP', t.healthyMs);
}

/** One host through BlockTraffic, the hooks and AllowTraffic. A failed hook leaves it out. */
export async function deployHost(
  lb: Haproxy,
  agent: CodeDeployAgent,
  zip: Uint8Array,
  t: TrafficTiming,
  o: HostDeployOptions = {},
): Promise<HostDeployment> {
  const started = performance.now();
  const steps: Partial<Record<TrafficStep, number>> = {};
  const host = agent.host.name;
  const report = o.onEvent ?? (() => {});
  const noScripts = (event: LifecycleEventName): void => {
    report(event, 'InProgress');
    report(event, 'Succeeded');
  };
  /** A traffic step: its time, and a balancer that does not answer fails it (UnknownError). */
  const traffic = async (step: 'BlockTraffic' | 'AllowTraffic', f: () => Promise<void>): Promise<boolean> => {
    const at = performance.now();
    report(step, 'InProgress');
    try {
      await f();
    } catch (e) {
      const diagnostics: Diagnostics = {
        errorCode: 'UnknownError',
        scriptName: '',
        message: (e as Error).message,
        logTail: '',
      };
      report(step, 'Failed', diagnostics);
      steps[step] = performance.now() - at;
      return false;
    }
    report(step, 'Succeeded');
    steps[step] = performance.now() - at;
    return true;
  };
  const result = (deployment: Deployment, failed?: TrafficStep): HostDeployment => ({
    host,
    ok: failed === undefined,
    ...(failed === undefined ? {} : { failed }),
    steps,
    ms: performance.now() - started,
    deployment,
  });
  noScripts('BeforeBlockTraffic');
  const blocked = await traffic('BlockTraffic', () =>
    o.skipBlockTraffic === true ? Promise.resolve() : blockTraffic(lb, host, t),
  );
  if (!blocked) return result({ ok: false, steps: {}, output: '' }, 'BlockTraffic');
  noScripts('AfterBlockTraffic');
  const deployment = await agent.deploy(zip, { ...o, onEvent: report });
  Object.assign(steps, deployment.steps);
  if (!deployment.ok) return result(deployment, deployment.failed);
  noScripts('BeforeAllowTraffic');
  if (!(await traffic('AllowTraffic', () => allowTraffic(lb, host, t)))) return result(deployment, 'AllowTraffic');
  noScripts('AfterAllowTraffic');
  return result(deployment);
}
