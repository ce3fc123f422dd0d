// Test helpers: a load balancer and agents that only record what the rollout asks of them.
import type { CodeDeployAgent, Deployment, DeployOptions } from '../src/code-deploy-agent.ts';
import type { Haproxy, ServerStat } from '../src/haproxy.ts';

/**
 * Records the runtime API calls; `current` requests drain away one poll at a time; a wait for
 * `stuck` ('drained', 'healthy') never ends (it throws, as Haproxy.waitFor does at its bound).
 */
export function fakeLb(calls: string[], current = 0, stuck?: string): Haproxy {
  let inFlight = current;
  let status = 'UP';
  return {
    setState: async (server: string, state: string) => {
      calls.push(`${server} ${state}`);
      status = state === 'ready' ? 'UP' : state.toUpperCase();
    },
    waitFor: async (server: string, what: string, done: (s: ServerStat) => boolean) => {
      if (what === stuck) throw new Error(`${server} not ${what} after 100 ms (status ${status})`);
      for (;;) {
        const stat = { status, current: inFlight };
        if (done(stat)) {
          calls.push(`${server} ${what}`);
          return stat;
        }
        inFlight = Math.max(0, inFlight - 1);
      }
    },
  } as unknown as Haproxy;
}

/** Hands out `results` in turn; each deployment reports one event, ApplicationStop. */
export function fakeAgent(name: string, calls: string[], results: Deployment[]): CodeDeployAgent {
  return {
    host: { name },
    deploy: async (_zip: Uint8Array, o: DeployOptions = {}) => {
      calls.push(`${name} deploy`);
      o.onEvent?.('ApplicationStop', 'InProgress');
      o.onEvent?.('ApplicationStop', 'Succeeded');
      return results.shift()!;
    },
  } as unknown as CodeDeployAgent;
}
