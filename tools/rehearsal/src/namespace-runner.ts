// Runs a command as root of fresh namespaces (see user-namespace.ts and namespace-init.sh), in a
// work folder under the system's temp folder, bounded in time. The folder is removed afterwards
// (kept for inspection when asked and the command failed), from outside the namespaces, where
// none of their mounts exist.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NamespacePlan } from './user-namespace.ts';

export const NAMESPACE_INIT = join(dirname(fileURLToPath(import.meta.url)), 'namespace-init.sh');
/** The work folder, as the command inside sees it. */
export const WORK_ENV = 'REHEARSAL_WORK';
/** Set instead when the machine gives no namespaces: why, and the fix (see in-namespace.ts). */
export const NO_NAMESPACE_ENV = 'REHEARSAL_NO_NAMESPACE';

export interface NamespaceRun {
  readonly plan: NamespacePlan;
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Everything in the namespaces is killed after this long. */
  readonly timeLimitMs: number;
  /** Keep the work folder when the command fails. */
  readonly keepOnFailure: boolean;
  /** Real root removes the folder itself; anyone else through the id mapping. */
  readonly uid: number;
  readonly log: (line: string) => void;
}

/** The command that removes a work folder whose files belong to the namespace's uids. */
export function removeCommand(plan: NamespacePlan, uid: number, dir: string): string[] {
  return uid === 0 ? ['rm', '-rf', '--', dir] : ['unshare', ...plan.mapIds, '--', 'rm', '-rf', '--', dir];
}

/** Exit code of the command (128 + signal when killed, as a shell reports it). */
export async function runInNamespace(o: NamespaceRun): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'rehearsal-'));
  // The service runs as its own uid inside and must reach the hosts' trees below this folder.
  chmodSync(work, 0o755);
  const child = spawn('unshare', [...o.plan.unshare, '--', 'bash', NAMESPACE_INIT, work, ...o.command], {
    stdio: 'inherit',
    env: { ...o.env, [WORK_ENV]: work },
  });
  // unshare ignores SIGINT and SIGTERM while it waits; SIGKILL makes it kill the namespace's
  // PID 1 (--kill-child), and with it every process inside.
  let stopped: string | undefined;
  const stop = (why: string): void => {
    stopped ??= why;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => stop(`gave up after ${o.timeLimitMs / 1000}s`), o.timeLimitMs);
  const onSignal = (signal: NodeJS.Signals): void => stop(`stopped by ${signal}`);
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  const code = await new Promise<number>((resolve) => {
    child.on('error', (e) => {
      o.log(`could not start unshare: ${e.message}`);
      resolve(127);
    });
    child.on('close', (status, signal) => resolve(status ?? 128 + constants.signals[signal!]));
  });
  clearTimeout(timer);
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  if (stopped !== undefined) o.log(`${stopped}: every process in its namespaces was stopped`);
  const failed = code !== 0 || stopped !== undefined;
  const remove = removeCommand(o.plan, o.uid, work);
  if (failed && o.keepOnFailure) {
    o.log(`kept ${work} for inspection; remove it with: ${remove.join(' ')}`);
  } else if (o.uid === 0) {
    rmSync(work, { recursive: true, force: true });
  } else {
    spawnSync(remove[0]!, remove.slice(1), { stdio: 'ignore' });
  }
  /* c8 ignore next: a command that ends by itself the moment the bound runs out */
  return failed && code === 0 ? 1 : code;
}
