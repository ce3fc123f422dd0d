// A CodeDeploy OneAtATime deployment with traffic control: host after host; the first failure
// stops the rollout. Then, as CodeDeploy's automatic rollback does, a new deployment of the last
// good revision goes to every host the failed deployment touched (the ones it already updated
// and the one it failed on), each through BlockTraffic, the hooks and AllowTraffic again.
import type { CodeDeployAgent } from './code-deploy-agent.ts';
import type { Haproxy } from './haproxy.ts';
import { deployHost, type HostDeployment, type TrafficTiming } from './traffic-control.ts';

export interface Rollout {
  readonly ok: boolean;
  readonly hosts: readonly HostDeployment[];
  /** The rollback deployment, when there was a previous revision to restore. */
  readonly rollback?: { readonly hosts: readonly HostDeployment[]; readonly ok: boolean; readonly ms: number };
  readonly ms: number;
}

export interface RolloutOptions {
  readonly lb: Haproxy;
  readonly agents: readonly CodeDeployAgent[];
  readonly zip: Uint8Array;
  /** The last revision that succeeded everywhere: what the rollback deploys. */
  readonly previousZip?: Uint8Array;
  readonly timing: TrafficTiming;
  readonly onHost: (result: HostDeployment) => void;
  readonly onRollbackHost?: (result: HostDeployment) => void;
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
    const rollbackStarted = performance.now();
    const restored: HostDeployment[] = [];
    for (const touched of o.agents.slice(0, hosts.length)) {
      const r = await deployHost(o.lb, touched, o.previousZip, o.timing);
      restored.push(r);
      o.onRollbackHost?.(r);
      if (!r.ok) break;
    }
    const rollback = {
      hosts: restored,
      ok: restored.length === hosts.length && restored.every((r) => r.ok),
      ms: performance.now() - rollbackStarted,
    };
    return { ok: false, hosts, rollback, ms: performance.now() - started };
  }
  return { ok: true, hosts, ms: performance.now() - started };
}
