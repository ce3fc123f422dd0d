// `pnpm rehearse [--hosts N] [--time-scale S] [--revision zip]`: checks the tools, finds the
// packaged artifact, runs the rehearsal under a hard time bound and turns the result into an
// exit code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { codeDeployApplicationName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { zipName } from '../scripts/build-release.ts';
import type { Io } from '../host/host-tool.ts';
import { resolveReleaseVersion, type Git } from '../scripts/release-version.ts';
import type { RehearsalOptions, RehearsalResult } from './rehearsal.ts';

/** Health check interval 10 s becomes 1 s, draining 30 s becomes 3 s: same ratios, 10x faster. */
export const DEFAULT_TIME_SCALE = 10;
/** The whole rehearsal, packaging included, must end well inside CI's patience. */
export const TIME_LIMIT_MS = 170_000;

/** Debian/Ubuntu package of each tool the rehearsal runs. */
export const REQUIRED_TOOLS: Readonly<Record<string, { readonly args: string[]; readonly apt: string }>> = {
  haproxy: { args: ['-v'], apt: 'haproxy' },
  openssl: { args: ['version'], apt: 'openssl' },
  setsid: { args: ['--version'], apt: 'util-linux' },
  bash: { args: ['--version'], apt: 'bash' },
  // The supervisor: unit-exec.py drops privileges with setpriv and loads seccomp via libseccomp.
  setpriv: { args: ['--version'], apt: 'util-linux' },
  python3: {
    args: ['-c', 'import ctypes, ctypes.util, sys; sys.exit(ctypes.util.find_library("seccomp") is None)'],
    apt: 'python3 libseccomp2',
  },
};

/** The tools that are missing (or failing their probe), as install hints. */
export function missingTools(
  run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0,
): string[] {
  return Object.entries(REQUIRED_TOOLS)
    .filter(([cmd, t]) => !run(cmd, t.args))
    .map(([cmd, t]) => `${cmd} (apt-get install -y ${t.apt})`);
}

export interface RehearseCliContext extends Io {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly git: Git;
  readonly appDir: string;
  readonly run: (options: RehearsalOptions) => Promise<RehearsalResult>;
  readonly missingTools: () => string[];
  /** Effective user id: the agent runs hooks as root and systemd starts the service as User=. */
  readonly uid: number;
}

export async function rehearseCli(c: RehearseCliContext): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...c.argv],
      options: { hosts: { type: 'string' }, 'time-scale': { type: 'string' }, revision: { type: 'string' } },
    });
    const hosts = Number(values.hosts ?? project.stages.prod.capacity.min);
    if (!Number.isInteger(hosts) || hosts < 2 || hosts > 6)
      throw new Error(`--hosts ${values.hosts} is not allowed; expected 2 to 6 (a rolling deployment needs two)`);
    const timeScale = Number(values['time-scale'] ?? DEFAULT_TIME_SCALE);
    if (!Number.isInteger(timeScale) || timeScale < 1 || timeScale > 20)
      throw new Error(`--time-scale ${values['time-scale']} is not allowed; expected a whole number from 1 to 20`);
    if (c.uid !== 0)
      throw new Error(
        "the rehearsal runs the hooks as root and the service as its unit's User=, as the CodeDeploy agent and systemd do: run it as root (CI, a container or a VM)",
      );
    const missing = c.missingTools();
    if (missing.length > 0) throw new Error(`missing tools: ${missing.join(', ')}`);
    if (/\s/.test(c.appDir))
      throw new Error(
        `the checkout path ${JSON.stringify(c.appDir)} contains whitespace, which the service-control command cannot carry`,
      );
    const revisionZip =
      values.revision ??
      join(c.appDir, 'artifacts', zipName(resolveReleaseVersion({ env: c.env, git: c.git }).version));
    if (!existsSync(revisionZip))
      throw new Error(
        `${revisionZip} does not exist: run \`pnpm package\` first (\`pnpm rehearse\` from the root does)`,
      );

    const stage = 'staging';
    c.out(
      `rehearsal: ${hosts} hosts on 127.0.0.1 behind haproxy; health checks, timeouts and draining at 1/${timeScale} of the target group's (same ratios)\n`,
    );
    const result = await c.run({
      appDir: c.appDir,
      revisionZip,
      hosts,
      timeScale,
      stage,
      applicationName: codeDeployApplicationName(project, stage),
      log: (line) => c.out(`${line}\n`),
    });
    for (const problem of result.problems) c.err(`rehearsal FAILED: ${problem}\n`);
    if (result.ok) c.out('rehearsal passed: 0 failed requests, the broken revision was stopped and rolled back\n');
    return result.ok ? 0 : 1;
  } catch (error) {
    c.err(`rehearse: ${(error as Error).message}\n`);
    return 1;
  }
}
