// A stand-in for the CodeDeploy agent on one rehearsal host: unpacks a revision, runs
// ApplicationStop from the last successful revision (none on the first deployment), then the new
// revision's BeforeInstall, Install (appspec files and permissions), AfterInstall,
// ApplicationStart and ValidateService. The hooks are the real ones from the zip.
import { appendFileSync, chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import type { HookName } from '../scripts/hook-timeouts.js';
import { parseAppspec, type Appspec } from './appspec.js';
import { mapHostPath, type HostLayout } from './host-layout.js';
import { runHook } from './run-hook.js';

export interface AgentOptions {
  readonly applicationName: string;
  /** The deployment group, which is the stage. */
  readonly deploymentGroup: string;
  /** HELLO_* overrides for the hooks. */
  readonly overrides: Readonly<Record<string, string>>;
}

export type Step = HookName | 'Install';

export interface Deployment {
  readonly ok: boolean;
  readonly failed?: Step;
  /** Milliseconds per step that ran. */
  readonly steps: Partial<Record<Step, number>>;
  readonly output: string;
}

interface Revision {
  readonly archive: string;
  readonly appspec: Appspec;
}

const LIFECYCLE: readonly Step[] = ['ApplicationStop', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

/** Files below `dir`, relative to it, sorted. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .sort();
}

/** `*.sh`-style pattern on a file name; `**` matches everything. */
const matches = (pattern: string, name: string): boolean =>
  pattern === '**' || new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`).test(name);

export class CodeDeployAgent {
  private lastSuccessful: Revision | undefined;
  private installed: string[] = [];
  private count = 0;

  constructor(readonly host: HostLayout, private readonly options: AgentOptions) {}

  private unpack(zip: Uint8Array, id: string): Revision {
    const archive = join(this.host.deploymentRoot, id, 'deployment-archive');
    for (const [path, data] of Object.entries(unzipSync(zip))) {
      if (path.endsWith('/')) continue;
      mkdirSync(dirname(join(archive, path)), { recursive: true });
      writeFileSync(join(archive, path), data);
    }
    return { archive, appspec: parseAppspec(readFileSync(join(archive, 'appspec.yml'), 'utf8')) };
  }

  /** The agent's Install event: remove what the last deployment installed, copy, set modes. */
  private install(rev: Revision): void {
    for (const file of this.installed) rmSync(file, { force: true });
    this.installed = [];
    for (const { source, destination } of rev.appspec.files) {
      const from = join(rev.archive, source);
      const to = mapHostPath(this.host, destination);
      for (const path of filesBelow(from)) {
        mkdirSync(dirname(join(to, path)), { recursive: true });
        writeFileSync(join(to, path), readFileSync(join(from, path)));
        this.installed.push(join(to, path));
      }
    }
    for (const p of rev.appspec.permissions) {
      const object = mapHostPath(this.host, p.object);
      const dirs = readdirSync(object, { recursive: true, encoding: 'utf8' }).filter((e) => statSync(join(object, e)).isDirectory());
      const targets = [
        ...(p.type.includes('file') ? filesBelow(object) : []),
        ...(p.type.includes('directory') ? dirs : []),
      ].filter((path) => matches(p.pattern, path.split('/').at(-1)!));
      for (const path of targets) chmodSync(join(object, path), p.mode);
    }
  }

  async deploy(zip: Uint8Array, onStep: (step: Step, ms: number) => void = () => {}): Promise<Deployment> {
    const id = `d-REHEARSAL${String(++this.count).padStart(3, '0')}`;
    const previous = this.lastSuccessful;
    const next = this.unpack(zip, id);
    const steps: Partial<Record<Step, number>> = {};
    let output = '';
    const env = {
      ...this.options.overrides,
      APPLICATION_NAME: this.options.applicationName,
      DEPLOYMENT_GROUP_NAME: this.options.deploymentGroup,
      DEPLOYMENT_ID: id,
    };
    for (const step of LIFECYCLE) {
      const started = performance.now();
      let ok = true;
      if (step === 'Install') {
        this.install(next);
      } else {
        // ApplicationStop comes from the revision that is on the host now, if one succeeded.
        const rev = step === 'ApplicationStop' ? previous : next;
        if (rev === undefined) continue;
        const hook = rev.appspec.hooks[step];
        const run = await runHook(join(rev.archive, hook.location), { ...env, LIFECYCLE_EVENT: step }, hook.timeoutSeconds);
        output += `--- ${step} (${relative(this.host.dir, rev.archive)}) exit ${run.exitCode}${run.timedOut ? ' after timeout' : ''}\n${run.output}`;
        ok = run.ok;
      }
      steps[step] = performance.now() - started;
      onStep(step, steps[step]);
      if (!ok) {
        appendFileSync(join(this.host.dir, 'deployments.log'), output);
        return { ok: false, failed: step, steps, output };
      }
    }
    appendFileSync(join(this.host.dir, 'deployments.log'), output);
    this.lastSuccessful = next;
    return { ok: true, steps, output };
  }
}
