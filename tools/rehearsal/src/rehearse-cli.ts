// `pnpm rehearse [--faults [--only id,...] [--skip-drain]] [--hosts N] [--time-scale S]
// [--revision zip]`: checks the tools, the namespaces
// and the release zip before anything starts, then runs the rehearsal inside its namespaces and
// turns the result into an exit code. Runs as any user (see user-namespace.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICE_NAME } from '@hello/config/constants';
import { project } from '@hello/config/project';
import { formatProblems, type NamespacePlan, type Problem } from './user-namespace.ts';

/** Health check interval 10 s becomes 1 s, draining 30 s becomes 3 s: same ratios, 10x faster. */
export const DEFAULT_TIME_SCALE = 10;
/** The whole rehearsal must end well inside CI's patience; everything in it is killed then. */
export const TIME_LIMIT_MS = 150_000;
/** The same for the fault matrix. */
export const FAULTS_TIME_LIMIT_MS = 300_000;

/** Debian/Ubuntu package of each tool the rehearsal runs inside its namespaces. */
export const REQUIRED_TOOLS: Readonly<Record<string, { readonly args: string[]; readonly apt: string }>> = {
  haproxy: { args: ['-v'], apt: 'haproxy' },
  openssl: { args: ['version'], apt: 'openssl' },
  setsid: { args: ['--version'], apt: 'util-linux' },
  bash: { args: ['--version'], apt: 'bash' },
  // The hooks create the service user, and the agent runs them through su.
  useradd: { args: ['--help'], apt: 'passwd' },
  su: { args: ['--version'], apt: 'util-linux' },
  // The supervisor: unit-exec.py drops privileges with setpriv and loads seccomp via libseccomp.
  setpriv: { args: ['--version'], apt: 'util-linux' },
  python3: {
    args: ['-c', 'import ctypes, ctypes.util, sys; sys.exit(ctypes.util.find_library("seccomp") is None)'],
    apt: 'python3 libseccomp2',
  },
};

/** The tools that are missing (or failing their probe), as install hints. */
export function missingTools(
  run = (cmd: string, args: string[]) =>
    spawnSync(cmd, args, { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } })
      .status === 0,
): string[] {
  return Object.entries(REQUIRED_TOOLS)
    .filter(([cmd, t]) => !run(cmd, t.args))
    .map(([cmd, t]) => `${cmd} (apt-get install -y ${t.apt})`);
}

/** What the rehearsal inside the namespaces is told to do. */
export interface RehearsalRequest {
  readonly revisionZip: string;
  readonly hosts: number;
  readonly timeScale: number;
  readonly stage: string;
  /** The fault matrix instead of the rolling deployment. */
  readonly faults?: { readonly only: readonly string[]; readonly skipDrain: boolean };
}

export interface RehearseCliContext {
  readonly argv: readonly string[];
  /** Where `pnpm package` leaves the zip (the newest one is taken). */
  readonly artifactsDir: string;
  /** The rehearsal's own sources: hooks get a path into them, which must carry no whitespace. */
  readonly toolDir: string;
  readonly missingTools: () => string[];
  readonly namespaces: () => { plan: NamespacePlan } | { problems: Problem[] };
  /** Runs the rehearsal inside its namespaces; the exit code. */
  readonly runInside: (plan: NamespacePlan, request: RehearsalRequest) => Promise<number>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The newest `<service>-*.zip` in the artifacts folder: what `pnpm package` just wrote. */
export function newestRelease(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const zips = readdirSync(dir)
    .filter((f) => f.startsWith(`${SERVICE_NAME}-`) && f.endsWith('.zip'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return zips[0];
}

export async function rehearseCli(c: RehearseCliContext): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...c.argv],
      options: {
        hosts: { type: 'string' },
        'time-scale': { type: 'string' },
        revision: { type: 'string' },
        faults: { type: 'boolean' },
        only: { type: 'string' },
        'skip-drain': { type: 'boolean' },
      },
    });
    if ((values.only !== undefined || values['skip-drain'] === true) && values.faults !== true)
      throw new Error('--only and --skip-drain choose what the fault matrix runs: add --faults');
    const hosts = Number(values.hosts ?? project.stages.prod.capacity.min);
    if (!Number.isInteger(hosts) || hosts < 2 || hosts > 6)
      throw new Error(`--hosts ${values.hosts} is not allowed; expected 2 to 6 (a rolling deployment needs two)`);
    const timeScale = Number(values['time-scale'] ?? DEFAULT_TIME_SCALE);
    if (!Number.isInteger(timeScale) || timeScale < 1 || timeScale > 20)
      throw new Error(`--time-scale ${values['time-scale']} is not allowed; expected a whole number from 1 to 20`);
    const missing = c.missingTools();
    if (missing.length > 0) throw new Error(`missing tools: ${missing.join(', ')}`);
    if (/\s/.test(c.toolDir))
      throw new Error(
        `the checkout path ${JSON.stringify(c.toolDir)} contains whitespace, which the service-control command cannot carry`,
      );
    const revisionZip = values.revision === undefined ? newestRelease(c.artifactsDir) : resolve(values.revision);
    if (revisionZip === undefined || !existsSync(revisionZip))
      throw new Error(
        `${revisionZip ?? `no ${SERVICE_NAME}-*.zip in ${c.artifactsDir}`}: run \`pnpm package\` first (\`pnpm rehearse\` from the root does)`,
      );
    const namespaces = c.namespaces();
    if ('problems' in namespaces)
      throw new Error(
        `the rehearsal runs in user namespaces, which this machine does not give yet:\n${formatProblems(namespaces.problems).trimEnd()}`,
      );
    c.out(
      `rehearsal: ${hosts} hosts on 127.0.0.1 behind haproxy; health checks, timeouts and draining at 1/${timeScale} of the target group's (same ratios)\n`,
    );
    const faults =
      values.faults === true
        ? { only: (values.only ?? '').split(',').filter((id) => id !== ''), skipDrain: values['skip-drain'] === true }
        : undefined;
    return await c.runInside(namespaces.plan, {
      revisionZip,
      hosts,
      timeScale,
      stage: 'staging',
      ...(faults === undefined ? {} : { faults }),
    });
  } catch (error) {
    c.err(`rehearse: ${(error as Error).message}\n`);
    return 1;
  }
}
