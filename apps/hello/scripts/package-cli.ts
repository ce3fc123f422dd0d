// `pnpm package`: builds artifacts/hello-<version>.zip and prints its path, size and sha256.
import { parseArgs } from 'node:util';
import { buildRelease } from './build-release.ts';
import type { Io } from '../host/host-tool.ts';
import { resolveReleaseVersion, type Git } from './release-version.ts';

/** The bundle's size goal: small enough to upload, download and unpack in seconds. */
export const SIZE_GOAL_BYTES = 1.5 * 1024 * 1024;

export interface PackageCliContext extends Io {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly git: Git;
  readonly appDir: string;
  /** artifacts/, which the workflows and the release CLI read. */
  readonly outDir: string;
  /** @default SIZE_GOAL_BYTES */
  readonly sizeGoalBytes?: number;
}

export async function packageCli(c: PackageCliContext): Promise<number> {
  try {
    const { values } = parseArgs({ args: [...c.argv], options: { version: { type: 'string' } } });
    const { version, builtAt, source } = resolveReleaseVersion({ flag: values.version, env: c.env, git: c.git });
    if (source === 'git HEAD' && c.git(['status', '--porcelain']) !== '') {
      c.err(
        `warning: the working tree has uncommitted changes; ${version} names the last commit, not what is packaged\n`,
      );
    }
    const built = await buildRelease({ appDir: c.appDir, version, builtAt, outDir: c.outDir });
    const goal = c.sizeGoalBytes ?? SIZE_GOAL_BYTES;
    c.out(`${built.zipPath}\n  version ${version} (from ${source}), built at ${built.manifest.builtAt}\n`);
    c.out(
      `  size    ${built.size} bytes (${(built.size / 1024).toFixed(1)} KiB; goal <= ${(goal / 1024).toFixed(0)} KiB)\n`,
    );
    c.out(`  sha256  ${built.sha256}\n`);
    if (built.size > goal) c.err(`warning: the bundle is over its ${goal} byte goal\n`);
    return 0;
  } catch (error) {
    c.err(`package: ${(error as Error).message}\n`);
    return 1;
  }
}
