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

/** The agent's ScriptError codes, by the names CodeDeploy's API gives them (LifecycleErrorCode). */
export type ScriptErrorCode = 'ScriptMissing' | 'ScriptTimedOut' | 'ScriptFailed';

export interface HookRun {
  readonly ok: boolean;
  /** The agent's error message when the script failed. */
  readonly error?: string;
  readonly errorCode?: ScriptErrorCode;
  /** The failing script's location. */
  readonly script?: string;
  readonly output: string;
  /** The agent's ScriptLog: `Script - <location>` and `[stdout]`/`[stderr]` lines, its last 2 KiB. */
  readonly log: string;
  readonly ms: number;
}

/**
 * ScriptLog#append_to_log (hook_executor.rb), as written: walking back from the newest entry, it
 * keeps entries while the 2048-character budget lasts, charging each step the length of the entry
 * below the one it keeps (Ruby's log[-1], the newest, at the bottom). What is left is what the
 * agent reports as a failed event's log tail.
 */
export function appendToLog(log: readonly string[], entry: string): string[] {
  const all = [...log, entry];
  let index = all.length;
  let remaining = 2048;
  while (index > 0 && remaining - all.at(index - 1)!.length > 0) {
    index -= 1;
    remaining -= all.at(index - 1)!.length;
  }
  return index > 0 ? all.slice(index) : all;
}

export const HOOK_PATH = '/usr/bin:/bin';

/** The event's ScriptLog, shared by its scripts. */
interface ScriptLog {
  entries: string[];
}

function runScript(
  archiveDir: string,
  script: AppspecScript,
  env: Readonly<Record<string, string>>,
  log: ScriptLog,
): Promise<HookRun> {
  const path = join(archiveDir, script.location);
  const started = performance.now();
  const append = (entry: string): void => void (log.entries = appendToLog(log.entries, entry));
  append(`Script - ${script.location}\n`);
  const done = (ok: boolean, output: string, error?: string, errorCode?: ScriptErrorCode): HookRun => ({
    ok,
    output,
    log: log.entries.join(''),
    ms: performance.now() - started,
    ...(error === undefined ? {} : { error, errorCode, script: script.location }),
  });
  if (!existsSync(path))
    return Promise.resolve(done(false, '', `Script does not exist at specified location: ${path}`, 'ScriptMissing'));
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
    // Line by line, as the agent reads them (each_line), each with its stream's prefix.
    const partial = { '[stdout]': '', '[stderr]': '' };
    const reader = (stream: keyof typeof partial) => (d: Buffer) => {
      const text = d.toString();
      output += text;
      const parts = (partial[stream] + text).split('\n');
      partial[stream] = parts.pop()!;
      for (const line of parts) append(`${stream}${line}\n`);
    };
    child.stdout.on('data', reader('[stdout]'));
    child.stderr.on('data', reader('[stderr]'));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGTERM');
    }, script.timeout * 1000);
    // Spawning itself failed (e.g. a missing interpreter): the agent's rescue of StandardError.
    child.on('error', (e) => {
      clearTimeout(timer);
      const message = `${prefix} failed with error ${(e as NodeJS.ErrnoException).code} with message ${e.message}`;
      resolve(done(false, output, message, 'ScriptFailed'));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const [stream, rest] of Object.entries(partial)) if (rest !== '') append(`${stream}${rest}`);
      if (timedOut) {
        const message = `Script at specified location: ${script.location} failed to complete in ${script.timeout} seconds`;
        resolve(done(false, output, message, 'ScriptTimedOut'));
      } else if (code !== 0)
        resolve(done(false, output, `${prefix} failed with exit code ${code ?? ''}`, 'ScriptFailed'));
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
  const log: ScriptLog = { entries: appendToLog([], `LifecycleEvent - ${env.LIFECYCLE_EVENT ?? ''}\n`) };
  let output = '';
  let ms = 0;
  for (const script of scripts) {
    const run = await runScript(archiveDir, script, env, log);
    output += run.output;
    ms += run.ms;
    if (!run.ok) return { ...run, output, ms };
  }
  return { ok: true, output, log: log.entries.join(''), ms };
}
