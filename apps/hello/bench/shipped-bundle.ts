// The service exactly as a host runs it: the newest release zip from `pnpm package`, unpacked,
// started with the unit's ExecStart and Environment= lines (only the host paths are swapped for
// the unpacked directory and this Node).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { HOST_NODE_BIN, HOST_PATHS, SERVICE_NAME } from '@hello/config/constants';

export interface ShippedCommand {
  readonly zip: string;
  /** Node's arguments after the binary: flags from ExecStart, then the server file. */
  readonly args: readonly string[];
  /** Environment= assignments of the unit. */
  readonly env: Readonly<Record<string, string>>;
}

/** The newest artifacts/<service>-*.zip. */
export function newestZip(artifactsDir: string): string {
  const zips = (() => {
    try {
      return readdirSync(artifactsDir).filter((f) => f.startsWith(`${SERVICE_NAME}-`) && f.endsWith('.zip'));
    } catch {
      return [];
    }
  })();
  if (zips.length === 0) {
    throw new Error(`no release zip in ${artifactsDir}: run \`pnpm --filter @hello/service... build\` and \`pnpm --filter @hello/service package\` first`);
  }
  return zips.map((f) => join(artifactsDir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

/** systemd's quoting is not needed here: the unit's lines are plain words (asserted). */
export function unitCommand(unit: string, currentDir: string): Pick<ShippedCommand, 'args' | 'env'> {
  const exec = /^ExecStart=(.+)$/m.exec(unit)?.[1];
  if (exec === undefined) throw new Error('the unit has no ExecStart= line');
  if (/["'\\$%]/.test(exec)) throw new Error(`ExecStart uses quoting or specifiers the bench does not interpret: ${exec}`);
  const [bin, ...args] = exec.trim().split(/\s+/);
  if (bin !== HOST_NODE_BIN) throw new Error(`ExecStart runs ${bin}, not ${HOST_NODE_BIN}`);
  const env: Record<string, string> = {};
  for (const [, assignments] of unit.matchAll(/^Environment=(.+)$/gm)) {
    for (const pair of assignments!.trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return { args: args.map((a) => a.replaceAll(HOST_PATHS.current, currentDir)), env };
}

/** Unpacks the zip into `dir` (as the hooks install it under releases/<version>) and reads the unit. */
export function unpackShipped(zip: string, dir: string): ShippedCommand {
  const files = unzipSync(readFileSync(zip));
  for (const [path, data] of Object.entries(files)) {
    if (path.endsWith('/')) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  const unit = readFileSync(join(dir, 'deploy', `${SERVICE_NAME}.service`), 'utf8');
  return { zip, ...unitCommand(unit, dir) };
}
