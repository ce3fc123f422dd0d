// A CodeDeploy OneAtATime deployment with traffic control: host after host; the first failure
// stops the rollout and, like an automatic rollback, puts the previous revision back on that host.
import type { CodeDeployAgent } from './code-deploy-agent.js';
import type { Haproxy } from './haproxy.js';
import { allowTraffic, deployHost, type HostDeployment, type TrafficTiming } from './traffic-control.js';

export interface Rollout {
  readonly ok: boolean;
  readonly hosts: readonly HostDeployment[];
  /** The rollback of the host that failed, when there was a previous revision to restore. */
  readonly restore?: { readonly host: string; readonly ok: boolean; readonly ms: number };
  readonly ms: number;
}

export interface RolloutOptions {
  readonly lb: Haproxy;
  readonly agents: readonly CodeDeployAgent[];
  readonly zip: Uint8Array;
  /** The last revision that succeeded everywhere: what a failed host gets back. */
  readonly previousZip?: Uint8Array;
  readonly timing: TrafficTiming;
  readonly onHost: (result: HostDeployment) => void;
}

export async function rollOut(o: RolloutOptions): Promise<Rollout> {
  const started = performance.now();
  const hosts: HostDeployment[] = [];
  for (const agent of o.agents) {
    const result = await deployHost(o.lb, agent, o.zip, o.timing);
    hosts.push(result);
    o.onHost(result);
    if (result.ok) continue;
    if (o.previousZip === undefined) return { ok: false, hosts, ms: performance.now() - started };
    const restoreStarted = performance.now();
    const restored = await agent.deploy(o.previousZip);
    if (restored.ok) await allowTraffic(o.lb, agent.host.name, o.timing);
    const restore = { host: agent.host.name, ok: restored.ok, ms: performance.now() - restoreStarted };
    return { ok: false, hosts, restore, ms: performance.now() - started };
  }
  return { ok: true, hosts, ms: performance.now() - started };
}
