// A stand-in for the CodeDeploy agent on one rehearsal host, following the real agent
// (github:aws/aws-codedeploy-agent, lib/instance_agent/plugins/codedeploy/):
// - order of an in-place deployment: ApplicationStop, DownloadBundle, BeforeInstall, Install,
//   AfterInstall, ApplicationStart, ValidateService (command_poller.rb DEFAULT_HOOK_MAPPING; the
//   service sends the commands in this order);
// - ApplicationStop runs from the deployment recorded as the group's "last successful install"
//   and not at all when there is none (hook_executor.rb, MAPPING_BETWEEN_HOOKS_AND_DEPLOYMENTS
//   and #select_correct_deployment_root_dir);
// - that record is written right after Install succeeds, before any later hook runs
//   (command_executor.rb, command "Install" -> #update_last_successful_install), so a revision
//   that failed in ApplicationStart or ValidateService is the one whose ApplicationStop runs next;
// - each hook executor parses the appspec (HookExecutor#parse_app_spec): a bad appspec fails at
//   the first event that reads it; Install also checks the event names (#validate_app_spec_hooks);
// - hooks get the agent's variables (HookExecutor#initialize @child_envs, #get_s3_envs).
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { parseAppspec, validateHooks, type Appspec } from './appspec.ts';
import { install } from './agent-installer.ts';
import { mapHostPath, type HostLayout } from './host-layout.ts';
import { runHook } from './run-hook.ts';

export interface AgentOptions {
  readonly applicationName: string;
  /** The deployment group, which is the stage. */
  readonly deploymentGroup: string;
  /** HELLO_* overrides for the hooks (the agent's own environment). */
  readonly overrides: Readonly<Record<string, string>>;
  /** The deployment's file_exists_behavior when the appspec has none. @default 'DISALLOW' */
  readonly fileExistsBehavior?: 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
}

export const LIFECYCLE = [
  'ApplicationStop',
  'DownloadBundle',
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
] as const;
export type Step = (typeof LIFECYCLE)[number];

/** What CodeDeploy shows of a failed lifecycle event (its API's Diagnostics). */
export interface Diagnostics {
  readonly errorCode: 'ScriptMissing' | 'ScriptTimedOut' | 'ScriptFailed' | 'UnknownError';
  readonly scriptName: string;
  readonly message: string;
  readonly logTail: string;
}

export interface Deployment {
  readonly ok: boolean;
  readonly failed?: Step;
  readonly diagnostics?: Diagnostics;
  /** The host stopped answering in `failed` (terminated): nothing reported that step's end. */
  readonly lost?: boolean;
  /** Milliseconds per step that ran. */
  readonly steps: Partial<Record<Step, number>>;
  readonly output: string;
}

export type EventStatus = 'InProgress' | 'Succeeded' | 'Failed';

/** Thrown by a fault in `beforeStep`: the host is gone, and with it the agent that would report. */
export class HostLost extends Error {}

export interface DeployOptions {
  /** The deployment this host's part belongs to. @default the agent's own counter */
  readonly deploymentId?: string;
  /**
   * Awaited once each step has started: a fault waits or throws here (a throw fails the step;
   * HostLost leaves it unreported).
   */
  readonly beforeStep?: (step: Step) => Promise<void> | void;
  /** Each step as it starts and ends, as the agent reports it to CodeDeploy. */
  readonly onEvent?: (step: Step, status: EventStatus, diagnostics?: Diagnostics) => void;
}

export class CodeDeployAgent {
  private count = 0;
  /** A stable id per group, as the agent's files are keyed by the deployment group id. */
  private readonly groupId: string;
  readonly host: HostLayout;
  private readonly options: AgentOptions;

  constructor(host: HostLayout, options: AgentOptions) {
    this.host = host;
    this.options = options;
    this.groupId = createHash('sha256')
      .update(`${options.applicationName}/${options.deploymentGroup}`)
      .digest('hex')
      .slice(0, 8);
  }

  private get instructionsDir(): string {
    return join(this.host.deploymentRoot, 'deployment-instructions');
  }

  private get lastInstallFile(): string {
    return join(this.instructionsDir, `${this.groupId}_last_successful_install`);
  }

  /** The archive of the group's last successful install, if any. */
  lastSuccessfulInstall(): string | undefined {
    try {
      return join(readFileSync(this.lastInstallFile, 'utf8'), 'deployment-archive');
    } catch {
      return undefined;
    }
  }

  private unpack(zip: Uint8Array, archive: string): void {
    for (const [path, data] of Object.entries(unzipSync(zip))) {
      if (path.endsWith('/')) continue;
      mkdirSync(dirname(join(archive, path)), { recursive: true });
      writeFileSync(join(archive, path), data);
    }
  }

  async deploy(zip: Uint8Array, o: DeployOptions = {}): Promise<Deployment> {
    const id = o.deploymentId ?? `d-REHEARSAL${String(++this.count).padStart(3, '0')}`;
    const root = join(this.host.deploymentRoot, this.groupId, id);
    const archive = join(root, 'deployment-archive');
    const previous = this.lastSuccessfulInstall();
    const steps: Partial<Record<Step, number>> = {};
    let output = '';
    const env = {
      ...this.options.overrides,
      DEPLOYMENT_ID: id,
      APPLICATION_NAME: this.options.applicationName,
      DEPLOYMENT_GROUP_NAME: this.options.deploymentGroup,
      DEPLOYMENT_GROUP_ID: this.groupId,
      BUNDLE_BUCKET: 'rehearsal',
      BUNDLE_KEY: `revisions/${createHash('sha256').update(zip).digest('hex').slice(0, 16)}.zip`,
      BUNDLE_VERSION: '',
      BUNDLE_ETAG: createHash('md5').update(zip).digest('hex'),
    };
    const finish = (failed?: Step, diagnostics?: Diagnostics): Deployment => {
      appendFileSync(join(this.host.dir, 'deployments.log'), output);
      return { ok: failed === undefined, ...(failed === undefined ? {} : { failed, diagnostics }), steps, output };
    };
    for (const step of LIFECYCLE) {
      const started = performance.now();
      // ApplicationStop runs from the last successful install; with none it is a no-op command,
      // which the agent completes as succeeded (command_poller.rb #complete_if_noop_command).
      const from = step === 'ApplicationStop' ? previous : archive;
      let diagnostics: Diagnostics | undefined;
      o.onEvent?.(step, 'InProgress');
      try {
        await o.beforeStep?.(step);
        if (step === 'DownloadBundle') this.unpack(zip, archive);
        else if (from !== undefined) {
          const appspec: Appspec = parseAppspec(readFileSync(join(from, 'appspec.yml'), 'utf8'));
          if (step === 'Install') {
            validateHooks(appspec);
            install(appspec, {
              archiveDir: archive,
              instructionsDir: this.instructionsDir,
              deploymentGroupId: this.groupId,
              fileExistsBehavior: this.options.fileExistsBehavior ?? 'DISALLOW',
              mapPath: (p) => mapHostPath(this.host, p),
            });
            writeFileSync(this.lastInstallFile, root);
            output += `--- Install (${relative(this.host.dir, archive)}) ok\n`;
          } else if (appspec.hooks[step] !== undefined) {
            const run = await runHook(from, appspec.hooks[step], { ...env, LIFECYCLE_EVENT: step });
            output += `--- ${step} (${relative(this.host.dir, from)}) ${run.ok ? 'ok' : 'failed'}\n${run.output}`;
            if (!run.ok)
              diagnostics = {
                errorCode: run.errorCode!,
                scriptName: run.script!,
                message: run.error!,
                logTail: run.log,
              };
          }
        }
      } catch (e) {
        if (e instanceof HostLost) {
          output += `--- ${step}: ${e.message}\n`;
          appendFileSync(join(this.host.dir, 'deployments.log'), output);
          return { ok: false, failed: step, lost: true, steps, output };
        }
        // Anything but a script's own failure: the agent's UNKNOWN_ERROR_CODE, no script, no log
        // (command_poller.rb #gather_diagnostics_from_error).
        output += `--- ${step} failed\n`;
        diagnostics = { errorCode: 'UnknownError', scriptName: '', message: (e as Error).message, logTail: '' };
      }
      steps[step] = performance.now() - started;
      o.onEvent?.(step, diagnostics === undefined ? 'Succeeded' : 'Failed', diagnostics);
      if (diagnostics !== undefined) {
        output += `${diagnostics.message}\n`;
        return finish(step, diagnostics);
      }
    }
    return finish();
  }
}
