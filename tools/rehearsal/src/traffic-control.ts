// CodeDeploy's traffic control for one host, on haproxy: BlockTraffic (drain, wait until no
// request is on the host, take it out), the lifecycle hooks, AllowTraffic (put it back, wait
// until the health checks pass). Timings are the target group's, divided by the time scale.
import { DEFAULT_DEREGISTRATION_DELAY_SECONDS, HEALTH_CHECK } from '@hello/config/constants';
import type { CodeDeployAgent, Deployment, Step } from './code-deploy-agent.ts';
import type { Haproxy } from './haproxy.ts';

export type TrafficStep = Step | 'BlockTraffic' | 'AllowTraffic';

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

async function timed<T>(
  steps: Partial<Record<TrafficStep, number>>,
  step: TrafficStep,
  f: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const result = await f();
  steps[step] = performance.now() - started;
  return result;
}

/** One host through BlockTraffic, the hooks and AllowTraffic. A failed hook leaves it out. */
export async function deployHost(
  lb: Haproxy,
  agent: CodeDeployAgent,
  zip: Uint8Array,
  t: TrafficTiming,
): Promise<HostDeployment> {
  const started = performance.now();
  const steps: Partial<Record<TrafficStep, number>> = {};
  const host = agent.host.name;
  await timed(steps, 'BlockTraffic', () => blockTraffic(lb, host, t));
  const deployment = await agent.deploy(zip);
  Object.assign(steps, deployment.steps);
  if (deployment.ok) await timed(steps, 'AllowTraffic', () => allowTraffic(lb, host, t));
  return { host, ok: deployment.ok, failed: deployment.failed, steps, ms: performance.now() - started, deployment };
}
