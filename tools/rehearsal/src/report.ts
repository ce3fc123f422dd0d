// Lines of the rehearsal's report: what ran, how long each step took, what the load saw.
import { LIFECYCLE } from './code-deploy-agent.ts';
import type { LoadCounts } from './load-generator.ts';
import type { HostDeployment, TrafficStep } from './traffic-control.ts';

const ORDER: readonly TrafficStep[] = ['BlockTraffic', ...LIFECYCLE, 'AllowTraffic'];

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export function formatHost(r: HostDeployment): string {
  const steps = ORDER.filter((s) => r.steps[s] !== undefined)
    .map((s) => `${s} ${seconds(r.steps[s]!)}`)
    .join(' · ');
  return `  ${r.host}  ${r.ok ? 'ok    ' : `FAILED in ${r.failed}`}  ${seconds(r.ms)}  (${steps})`;
}

export function formatCounts(label: string, c: LoadCounts): string {
  const versions = Object.entries(c.versions)
    .map(([v, n]) => `${v}: ${n}`)
    .join(', ');
  const failures = c.failures.length > 0 ? `\n    first failures: ${c.failures.join(' | ')}` : '';
  return `  ${label}: requests sent ${c.sent}, failed ${c.failed} (answers by version: ${versions || 'none'})${failures}`;
}

/**
 * What the failed (last) hook of a deployment's output said: its own `[hook]`/`[probe]` lines
 * and the last log lines it printed.
 */
export function failureSummary(output: string, logLines = 4): string {
  const lines = output
    .slice(output.lastIndexOf('\n--- ') + 1)
    .trimEnd()
    .split('\n')
    .slice(1);
  const own = lines.filter((l) => /^\[[a-z-]+\]/.test(l) && !l.startsWith('[service-ctl]'));
  const last = lines.slice(-logLines).filter((l) => !own.includes(l));
  return [...own, ...last].map((l) => `      | ${l}`).join('\n');
}

/** The last `n` lines of a hook's output, indented: the reason a deployment failed. */
export function tail(text: string, n: number): string {
  return text
    .trimEnd()
    .split('\n')
    .slice(-n)
    .map((l) => `      | ${l}`)
    .join('\n');
}
