// Test helpers: a load balancer and agents that only record what the rollout asks of them.
import type { CodeDeployAgent, Deployment } from '../src/code-deploy-agent.ts';
import type { Haproxy, ServerStat } from '../src/haproxy.ts';

/** Records the runtime API calls; `current` requests drain away one poll at a time. */
export function fakeLb(calls: string[], current = 0): Haproxy {
  let inFlight = current;
  let status = 'UP';
  return {
    setState: async (server: string, state: string) => {
      calls.push(`${server} ${state}`);
      status = state === 'ready' ? 'UP' : state.toUpperCase();
    },
    waitFor: async (server: string, what: string, done: (s: ServerStat) => boolean) => {
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

export function fakeAgent(name: string, calls: string[], results: Deployment[]): CodeDeployAgent {
  return {
    host: { name },
    deploy: async () => {
      calls.push(`${name} deploy`);
      return results.shift()!;
    },
  } as unknown as CodeDeployAgent;
}
