// A CodeDeploy OneAtATime deployment with traffic control, host after host, by the rules of that
// configuration (CodeDeploy User Guide, "CodeDeploy instance health"; API reference,
// MinimumHealthyHosts): all hosts but one stay healthy, so a failure stops the rollout, except on
// the last host, where "the overall deployment is still successful". A failed deployment is
// followed, as CodeDeploy's automatic rollback does, by a new deployment of the last good
// revision to every host the failed one touched (the failed host first: it is already out of
// service, so the others stay healthy meanwhile), each through traffic control again.
import type { CodeDeployAgent } from './code-deploy-agent.ts';
import type { Haproxy } from './haproxy.ts';
import { deployHost, type HostDeployment, type HostDeployOptions, type TrafficTiming } from './traffic-control.ts';

export interface Rollout {
  /** Every host took the revision. */
  readonly ok: boolean;
  /** What CodeDeploy reports: Succeeded also when only the last host failed. */
  readonly status: 'Succeeded' | 'Failed';
  readonly hosts: readonly HostDeployment[];
  /** The rollback deployment, when there was a previous revision and a host to restore. */
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
  /** The failed deployment is over; its rollback, a new deployment, goes to these hosts. */
  readonly onRollbackStart?: (hosts: readonly CodeDeployAgent[]) => void;
  /** The hosts a rollback still finds (a terminated one is gone). @default every host */
  readonly exists?: (agent: CodeDeployAgent) => boolean;
  /** Each host's deployment options (its events, a fault), for the deployment or its rollback. */
  readonly hostOptions?: (agent: CodeDeployAgent, phase: 'deploy' | 'rollback') => HostDeployOptions;
}

export async function rollOut(o: RolloutOptions): Promise<Rollout> {
  const started = performance.now();
  const hosts: HostDeployment[] = [];
  for (const [i, agent] of o.agents.entries()) {
    const result = await deployHost(o.lb, agent, o.zip, o.timing, o.hostOptions?.(agent, 'deploy'));
    hosts.push(result);
    o.onHost(result);
    if (result.ok) continue;
    if (i === o.agents.length - 1 && hosts.length > 1)
      return { ok: false, status: 'Succeeded', hosts, ms: performance.now() - started };
    const touched = [agent, ...o.agents.slice(0, i)].filter((a) => o.exists?.(a) ?? true);
    if (o.previousZip === undefined || touched.length === 0)
      return { ok: false, status: 'Failed', hosts, ms: performance.now() - started };
    const rollbackStarted = performance.now();
    o.onRollbackStart?.(touched);
    const restored: HostDeployment[] = [];
    for (const host of touched) {
      const r = await deployHost(o.lb, host, o.previousZip, o.timing, o.hostOptions?.(host, 'rollback'));
      restored.push(r);
      o.onRollbackHost?.(r);
      if (!r.ok) break;
    }
    const rollback = {
      hosts: restored,
      ok: restored.length === touched.length && restored.every((r) => r.ok),
      ms: performance.now() - rollbackStarted,
    };
    return { ok: false, status: 'Failed', hosts, rollback, ms: performance.now() - started };
  }
  return { ok: true, status: 'Succeeded', hosts, ms: performance.now() - started };
}
