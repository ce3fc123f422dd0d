// The service exactly as a host runs it: the newest release zip from `pnpm package`, unpacked,
// its compile cache warmed as AfterInstall warms it, started with the unit's ExecStart and
// Environment= lines (only the host paths are swapped for the unpacked directory and this Node, and
// the V8 options rendered for the hosts' Node line for those of this one: scripts/node-flags.ts).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { HOST_NODE_BIN, HOST_PATHS, NODE_MAJOR, SERVICE_NAME } from '@hello/config/constants';
import { RUNNING_NODE_MAJOR, nodeFlags } from '../scripts/node-flags.ts';
import { unitCommand } from '../host/unit-command.ts';
import { warmCompileCache } from '../host/warm-compile-cache.ts';

export interface ShippedCommand {
  readonly zip: string;
  /** Node's arguments after the binary: the V8 options for this Node's line, then the server file. */
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
    throw new Error(
      `no release zip in ${artifactsDir}: run \`pnpm --filter @hello/service... build\` and \`pnpm --filter @hello/service package\` first`,
    );
  }
  return zips.map((f) => join(artifactsDir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

/**
 * The unit's command with its host paths moved to `currentDir`, as a host on Node `major` would
 * run it: the unit must run HOST_NODE_BIN with the flags rendered for NODE_MAJOR, which give way
 * to those for `major` (the unit a user on that line would ship).
 */
export function shippedCommand(
  unit: string,
  currentDir: string,
  major = RUNNING_NODE_MAJOR,
): Pick<ShippedCommand, 'args' | 'env'> {
  const { bin, args, env } = unitCommand(unit);
  if (bin !== HOST_NODE_BIN) throw new Error(`ExecStart runs ${bin}, not ${HOST_NODE_BIN}`);
  const rendered = nodeFlags(NODE_MAJOR);
  if (rendered.some((flag, i) => args[i] !== flag)) {
    throw new Error(
      `ExecStart passes ${JSON.stringify(args.slice(0, -1))} to Node, not the flags rendered for Node ${NODE_MAJOR}: ${JSON.stringify(rendered)}`,
    );
  }
  const local = (text: string) => text.replaceAll(HOST_PATHS.current, currentDir);
  return {
    args: [...nodeFlags(major), ...args.slice(rendered.length)].map(local),
    env: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, local(value)])),
  };
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
  const compileCache = warmCompileCache({
    command: { bin: process.execPath, ...command },
    uid: process.getuid!(),
    gid: process.getgid!(),
  });
  return { zip, ...command, compileCache };
}
