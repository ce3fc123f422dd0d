// The service exactly as a host runs it: the newest release zip from `pnpm package`, unpacked,
// its compile cache warmed as AfterInstall warms it, started with the unit's ExecStart and
// Environment= lines (only the host paths are swapped for the unpacked directory and this Node).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { HOST_NODE_BIN, HOST_PATHS, SERVICE_NAME } from '@hello/config/constants';
import { unitCommand } from '../scripts/host/unit-command.js';
import { warmCompileCache } from '../scripts/host/warm-compile-cache.js';

export interface ShippedCommand {
  readonly zip: string;
  /** Node's arguments after the binary: flags from ExecStart, then the server file. */
  readonly args: readonly string[];
  /** Environment= assignments of the unit. */
  readonly env: Readonly<Record<string, string>>;
  /** The compile cache's files, as the hook's warm-compile-cache wrote them (none on Node 20). */
  readonly compileCache: readonly string[];
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

/** The unit's command with its host paths moved to `currentDir`; the unit must run HOST_NODE_BIN. */
export function shippedCommand(unit: string, currentDir: string): Pick<ShippedCommand, 'args' | 'env'> {
  const { bin, args, env } = unitCommand(unit);
  if (bin !== HOST_NODE_BIN) throw new Error(`ExecStart runs ${bin}, not ${HOST_NODE_BIN}`);
  const local = (text: string) => text.replaceAll(HOST_PATHS.current, currentDir);
  return { args: args.map(local), env: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, local(value)])) };
}

/**
 * Unpacks the zip into `dir` (as the hooks install it under releases/<version>), reads the unit
 * and warms the compile cache with the hook's own step, run as this process's user and Node.
 */
export function unpackShipped(zip: string, dir: string): ShippedCommand {
  const files = unzipSync(readFileSync(zip));
  for (const [path, data] of Object.entries(files)) {
    if (path.endsWith('/')) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  const unit = readFileSync(join(dir, 'deploy', `${SERVICE_NAME}.service`), 'utf8');
  const command = shippedCommand(unit, dir);
  const compileCache = warmCompileCache({ command: { bin: process.execPath, ...command }, uid: process.getuid!(), gid: process.getgid!() });
  return { zip, ...command, compileCache };
}
