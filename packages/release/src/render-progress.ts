// Shows a deployment as it runs: a live table on a terminal; plain lines, a ::group:: per host and
// a step summary on CI; plain lines elsewhere (a pipe, a log file).
import { failureHeadline } from './describe-failure.ts';
import { compactHostLine, eventDuration, fitLine, idWidth } from './format-host.ts';
import type { DeploymentSnapshot } from './read-deployment.ts';
import { outputMode, type ReleaseDeps } from './release-deps.ts';
import { stepSummary } from './step-summary.ts';

export interface ProgressRenderer {
  /** Called after every poll. */
  update(snapshot: DeploymentSnapshot): void;
  /** Called once with the final snapshot (terminal status or timeout). */
  finish(snapshot: DeploymentSnapshot): Promise<void>;
}

function headline(s: DeploymentSnapshot): string {
  const done = s.hosts.filter((h) => h.status === 'Succeeded').length;
  return `deployment ${s.id}: ${s.status} (${done}/${s.hosts.length} hosts done)`;
}

/** Used when the terminal does not say its width. */
export const DEFAULT_COLUMNS = 80;

/**
 * The width to fit lines to. A terminal that reports 0 columns (`script`, some CI pseudo-terminals,
 * `docker run -t` before its first resize) does not know its width: 0 means unknown, not "no room".
 */
export function terminalColumns(columns: number | undefined): number {
  return columns !== undefined && Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_COLUMNS;
}

function tableLines(s: DeploymentSnapshot, columns: number): string[] {
  const width = idWidth(s.hosts);
  return [headline(s), ...s.hosts.map((h) => `  ${compactHostLine(h, width)}`)].map((line) => fitLine(line, columns));
}

/**
 * Redraws the table in place with ANSI cursor movement. Every line is cut to the terminal's
 * width: a wrapped line would take two rows and the cursor would go up too few.
 */
function ttyRenderer(deps: ReleaseDeps): ProgressRenderer {
  let drawn = 0;
  const draw = (s: DeploymentSnapshot): void => {
    const lines = tableLines(s, terminalColumns(deps.columns));
    // Up over the previous table, then clear to the end of the screen.
    const erase = drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : '';
    deps.stdout.write(`${erase}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  return {
    update: draw,
    finish: async (s) => {
      draw(s);
      await Promise.resolve();
    },
  };
}

/** One line per change, so a log reads as a timeline. */
function lineRenderer(deps: ReleaseDeps, ci: boolean, consoleUrl: string): ProgressRenderer {
  const started = deps.now();
  const seen = new Map<string, string>();
  const stamp = (): string => `[+${Math.round((deps.now() - started) / 1000)}s]`;
  const changed = (key: string, value: string): boolean => {
    if (seen.get(key) === value) return false;
    seen.set(key, value);
    return true;
  };
  return {
    update(s) {
      if (changed('deployment', s.status)) deps.stdout.write(`${stamp()} ${headline(s)}\n`);
      for (const host of s.hosts) {
        for (const e of host.events) {
          if (changed(`${host.id} ${e.name}`, e.status))
            deps.stdout.write(`${stamp()} ${host.id} ${e.name} ${e.status}\n`);
        }
      }
    },
    async finish(s) {
      for (const host of s.hosts) {
        if (ci) deps.stdout.write(`::group::${host.id} ${host.status}\n`);
        else deps.stdout.write(`${host.id} ${host.status}\n`);
        for (const e of host.events)
          deps.stdout.write(`  ${e.name.padEnd(20)} ${e.status.padEnd(10)} ${eventDuration(e)}`.trimEnd() + '\n');
        if (ci) deps.stdout.write('::endgroup::\n');
      }
      if (!ci) return;
      if (s.status === 'Failed' || s.status === 'Stopped') {
        deps.stdout.write(`::error title=CodeDeploy ${s.id} ${s.status}::${failureHeadline(s)}\n`);
      }
      const summary = deps.env.GITHUB_STEP_SUMMARY;
      if (summary !== undefined && summary !== '') await deps.appendFile(summary, stepSummary(s, consoleUrl));
    },
  };
}

export function createProgressRenderer(deps: ReleaseDeps, consoleUrl: string): ProgressRenderer {
  const mode = outputMode(deps);
  return mode === 'tty' ? ttyRenderer(deps) : lineRenderer(deps, mode === 'ci', consoleUrl);
}
