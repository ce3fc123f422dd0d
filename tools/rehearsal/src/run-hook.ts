// Runs one lifecycle event's scripts the way the CodeDeploy agent does. Source:
// github:aws/aws-codedeploy-agent, lib/instance_agent/plugins/codedeploy/hook_executor.rb
// (HookExecutor#execute, #execute_script, #script_error_prefix) and
// lib/instance_agent/platform/linux_util.rb (LinuxUtil.prepare_script_command):
// - a missing script fails; a script that is not executable is made executable first;
// - `runas` runs it through `su <user> -c <path>`, otherwise as the agent's own user;
// - the environment is the agent's own plus LIFECYCLE_EVENT, DEPLOYMENT_ID, APPLICATION_NAME,
//   DEPLOYMENT_GROUP_NAME, DEPLOYMENT_GROUP_ID and the revision's BUNDLE_* variables;
// - its own process group; at the timeout the group gets SIGTERM and the event fails.
// The agent's own environment: its unit (init.d/codedeploy-agent.service) runs it from
// `bash -a -c 'source /etc/profile; ...'`, so hooks see /etc/profile's PATH, and systemd starts
// it in `/`. The stand-in gives hooks the most minimal of those: PATH=/usr/bin:/bin, cwd=/.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppspecScript } from './appspec.ts';

export interface HookRun {
  readonly ok: boolean;
  /** The agent's error message when the script failed. */
  readonly error?: string;
  readonly output: string;
  readonly ms: number;
}

export const HOOK_PATH = '/usr/bin:/bin';

function runScript(archiveDir: string, script: AppspecScript, env: Readonly<Record<string, string>>): Promise<HookRun> {
  const path = join(archiveDir, script.location);
  const started = performance.now();
  const done = (ok: boolean, output: string, error?: string): HookRun => ({
    ok,
    output,
    ms: performance.now() - started,
    ...(error === undefined ? {} : { error }),
  });
  if (!existsSync(path))
    return Promise.resolve(done(false, '', `Script does not exist at specified location: ${path}`));
  const mode = statSync(path).mode;
  if ((mode & 0o111) === 0) chmodSync(path, mode | 0o111); // FileUtils.chmod("+x", ...)
  const prefix = `Script at specified location: ${script.location}${script.runas === undefined ? '' : ` run as user ${script.runas}`}`;
  const [cmd, args] = script.runas === undefined ? [path, []] : ['su', [script.runas, '-c', path]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: '/',
      env: { PATH: HOOK_PATH, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGTERM');
    }, script.timeout * 1000);
    // Spawning itself failed (e.g. a missing interpreter): the agent's rescue of StandardError.
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(
        done(
          false,
          output,
          `${prefix} failed with error ${(e as NodeJS.ErrnoException).code} with message ${e.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut)
        resolve(
          done(
            false,
            output,
            `Script at specified location: ${script.location} failed to complete in ${script.timeout} seconds`,
          ),
        );
      else if (code !== 0) resolve(done(false, output, `${prefix} failed with exit code ${code ?? ''}`));
      else resolve(done(true, output));
    });
  });
}

/** Every script of one event in order; the first failure ends the event. */
export async function runHook(
  archiveDir: string,
  scripts: readonly AppspecScript[],
  env: Readonly<Record<string, string>>,
): Promise<HookRun> {
  let output = '';
  let ms = 0;
  for (const script of scripts) {
    const run = await runScript(archiveDir, script, env);
    output += run.output;
    ms += run.ms;
    if (!run.ok) return { ...run, output, ms };
  }
  return { ok: true, output, ms };
}
