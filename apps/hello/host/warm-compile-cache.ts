// Fills the unit's NODE_COMPILE_CACHE directory for a release, as AfterInstall does on a host:
// runs the unit's own command with COMPILE_CACHE_ONLY_ENV=1 (the bundle exits at its first line,
// after Node compiled it) as the service's user, into a scratch directory, then copies what Node
// wrote into place as files the service can read but not write.
// - As the service's user: Node keys its cache by the uid of the process that reads it (a
//   subdirectory named after it); a cache written as root is never found by the service.
// - Copied by the caller (root on a host): a cache the service could write would let a
//   compromised process leave code for the next start to run.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPILE_CACHE_ONLY_ENV } from '@hello/config/constants';
import type { UnitCommand } from './unit-command.ts';

/** The guarded bundle exits in well under a second; this only bounds a bundle that would not. */
export const WARM_UP_TIMEOUT_MS = 20_000;

export interface WarmCompileCacheOptions {
  /** The unit's command; its NODE_COMPILE_CACHE names the directory to fill. */
  readonly command: UnitCommand;
  /** The service's user and group, which the warm-up runs as. */
  readonly uid: number;
  readonly gid: number;
  /** @default WARM_UP_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/**
 * Copies what the warm-up wrote, whatever Node's layout (its cache directory's structure is
 * Node's business): directories become 0755 and files 0644, owned by this process (root on a
 * host); anything else (a link, a device) is refused. The scratch's top is this process's again
 * by now, so the user cannot swap its directories; a file is opened without following links, so
 * a link the user swapped in cannot make root copy a file only root may read.
 */
function copyCache(scratch: string, to: string, rel = ''): string[] {
  mkdirSync(join(to, rel));
  chmodSync(join(to, rel), 0o755);
  const files: string[] = [];
  for (const name of readdirSync(join(scratch, rel)).sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    const stat = lstatSync(join(scratch, path));
    if (stat.isDirectory()) {
      files.push(...copyCache(scratch, to, path));
      continue;
    }
    if (!stat.isFile()) throw new Error(`the warm-up left ${path}, which is neither a directory nor a regular file`);
    const fd = openSync(join(scratch, path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      // Written anew, not copyFileSync: libuv's copyfile gives the copy the source's owner,
      // which would hand the service's user its own cache files.
      writeFileSync(join(to, path), readFileSync(fd), { flag: 'wx' });
    } finally {
      closeSync(fd);
    }
    chmodSync(join(to, path), 0o644);
    files.push(path);
  }
  return files;
}

/** Replaces the cache directory with a fresh one; returns its files, relative to it. */
export function warmCompileCache(o: WarmCompileCacheOptions): string[] {
  const { bin, args, env } = o.command;
  const cacheDir = env.NODE_COMPILE_CACHE;
  if (cacheDir === undefined) throw new Error('the unit sets no NODE_COMPILE_CACHE');
  const scratch = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  try {
    chownSync(scratch, o.uid, o.gid);
    const timeout = o.timeoutMs ?? WARM_UP_TIMEOUT_MS;
    const run = spawnSync(bin, args, {
      env: { ...env, NODE_COMPILE_CACHE: scratch, [COMPILE_CACHE_ONLY_ENV]: '1' },
      uid: o.uid,
      gid: o.gid,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout,
      killSignal: 'SIGKILL',
    });
    const command = [bin, ...args].join(' ');
    if (run.error !== undefined && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      throw new Error(
        `${command} did not exit within ${timeout} ms with ${COMPILE_CACHE_ONLY_ENV}=1: does the bundle start with its guard (scripts/bundle-code.ts)?`,
      );
    }
    if (run.error !== undefined) throw new Error(`${command}: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`${command} exited with ${run.status ?? run.signal}: ${run.stderr.trim()}`);
    // The user's part is over: from here on only this process may change the scratch's top.
    chownSync(scratch, process.getuid!(), process.getgid!());
    chmodSync(scratch, 0o700);
    const next = `${cacheDir}.new`;
    rmSync(next, { recursive: true, force: true });
    let files: string[];
    try {
      files = copyCache(scratch, next);
    } catch (error) {
      rmSync(next, { recursive: true, force: true });
      throw error;
    }
    rmSync(cacheDir, { recursive: true, force: true });
    renameSync(next, cacheDir);
    return files;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
