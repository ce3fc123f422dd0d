// One host of the fault matrix's stage: its tree on a disk of its own (a tmpfs, so a full disk
// is a real ENOSPC), its stand-in agent, and the stand-in systemctl and supervisor state the
// hooks leave on it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeDeployAgent } from '../code-deploy-agent.ts';
import { hookOverrides, hostLayout, type HostLayout } from '../host-layout.ts';

export interface HostSetup {
  readonly workDir: string;
  readonly serviceCtl: string;
  readonly nodeBin: string;
  readonly unitName: string;
  readonly validateSeconds: number;
  readonly timeScale: number;
  readonly stage: string;
  readonly applicationName: string;
  readonly user: string;
  /** Added to every hook's environment (the SSM stand-in's endpoint, say). */
  readonly hookEnv?: Readonly<Record<string, string>>;
}

export interface StageHost {
  readonly name: string;
  readonly layout: HostLayout;
  readonly agent: CodeDeployAgent;
  /** The stand-in systemctl on this host. */
  ctl(...args: string[]): { status: number | null; output: string };
  /** A pid the supervisor recorded for the unit (`main.pid`, `supervisor.pid`), if running. */
  ctlState(file: string): string | undefined;
  /** SIGKILL to every unit supervisor's session: the service, its socket, whatever else they started. */
  kill(): void;
}

/** A host's own disk: big enough for a few releases, small enough to fill in a moment. */
const DISK = 'size=96m,mode=0755';

export function openHost(o: HostSetup, name: string, port: number): StageHost {
  const layout = hostLayout(join(o.workDir, 'hosts'), name, port);
  mkdirSync(layout.dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', DISK, `disk-${name}`, layout.dir]);
  const overrides = hookOverrides(layout, {
    serviceCtl: o.serviceCtl,
    nodeBin: o.nodeBin,
    user: o.user,
    validateTimeoutSeconds: Math.ceil(o.validateSeconds / o.timeScale),
  });
  const agent = new CodeDeployAgent(layout, {
    applicationName: o.applicationName,
    deploymentGroup: o.stage,
    overrides: { ...overrides, ...o.hookEnv },
  });
  const ctlState = (file: string, unit = o.unitName): string | undefined => {
    try {
      return readFileSync(join(layout.supervisorDir, unit, file), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  return {
    name,
    layout,
    agent,
    ctl: (...args) => {
      const r = spawnSync(o.serviceCtl, args, {
        encoding: 'utf8',
        env: { ...process.env, HELLO_UNIT_DIR: layout.unitDir, HELLO_SUPERVISOR_DIR: layout.supervisorDir },
      });
      return { status: r.status, output: r.stdout + r.stderr };
    },
    ctlState,
    // Every unit's supervisor leads a session of its own (the service's, the socket's).
    kill: () => {
      const units = existsSync(layout.supervisorDir) ? readdirSync(layout.supervisorDir) : [];
      for (const unit of units) {
        const pid = ctlState('supervisor.pid', unit);
        if (pid !== undefined) spawnSync('kill', ['-KILL', '--', `-${pid}`]);
      }
    },
  };
}
