// The hooks' Node helper (bundled into the release as bin/host-tool.mjs and run with the host's
// Node): the steps that need the service's contract or are clumsy in bash.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ProjectSettings } from '@hello/config/define-project';
import { project } from '@hello/config/project';
import { SERVICE_ENV, type EnvContract } from '@hello/config/service-env';
import { installRelease } from './install-release.ts';
import { probeService } from './probe-service.ts';
import { pruneReleases } from './prune-releases.ts';
import { readReleaseManifest } from './release-manifest.ts';
import { renderEnv } from './render-env.ts';
import { createSsmClient, ssmRegion, type Env } from './ssm-client.ts';
import { unitCommand } from './unit-command.ts';
import { warmCompileCache } from './warm-compile-cache.ts';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The contract and project the env file follows, and the environment the SSM client reads. */
export interface HostToolSettings {
  readonly contract: EnvContract;
  readonly project: Pick<ProjectSettings, 'name' | 'aws' | 'parameters'>;
  readonly env: Env;
}

const USAGE = `usage: host-tool.mjs <command>
  version <release.json>                          print the release's version
  install <incoming-dir> <releases-dir> <version> verify and copy a revision, print its directory
  prune <releases-dir> <keep> <version>           remove all but the newest <keep> releases
  render-env --stage S --version V --port P --cert F --key F [--host H] --out FILE
                                                  write the env file (mode 0600, a new file) with
                                                  the stage's settings and secrets from SSM
  probe --port P --version V --health-path P --version-path P --timeout SECONDS
  warm-compile-cache <unit-file> --uid U --gid G  fill the unit's NODE_COMPILE_CACHE, running its
                                                  ExecStart as U:G up to the bundle's first line`;

function positionals(args: string[], count: number, command: string): string[] {
  if (args.length !== count) throw new Error(`${command} takes ${count} arguments, got ${args.length}`);
  return args;
}

function required(values: Record<string, string | undefined>, names: string[]): Record<string, string> {
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length > 0) throw new Error(`missing ${missing.map((n) => `--${n}`).join(', ')}`);
  return values as Record<string, string>;
}

function wholeNumber(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new Error(`${what} ${JSON.stringify(text)} is not allowed; expected a whole number from ${min} to ${max}`);
  return n;
}

const STRING = { type: 'string' } as const;
/** Largest uid/gid Node's spawn accepts (int32). */
const MAX_ID = 2 ** 31 - 1;

async function run(command: string | undefined, args: string[], io: Io, settings: HostToolSettings): Promise<number> {
  switch (command) {
    case 'version': {
      const [file] = positionals(args, 1, command) as [string];
      io.out(`${readReleaseManifest(file).version}\n`);
      return 0;
    }
    case 'install': {
      const [incoming, releases, version] = positionals(args, 3, command) as [string, string, string];
      io.out(`${installRelease(incoming, releases, version)}\n`);
      return 0;
    }
    case 'prune': {
      const [releases, keep, version] = positionals(args, 3, command) as [string, string, string];
      const removed = pruneReleases(releases, wholeNumber(keep, 'keep', 1, 100), version);
      if (removed.length > 0) io.err(`[host-tool] removed old releases: ${removed.join(', ')}\n`);
      return 0;
    }
    case 'render-env': {
      const { values } = parseArgs({
        args,
        options: {
          stage: STRING,
          version: STRING,
          port: STRING,
          cert: STRING,
          key: STRING,
          host: STRING,
          out: STRING,
        },
      });
      const v = required(values, ['stage', 'version', 'port', 'cert', 'key', 'out']);
      const region = ssmRegion(settings.env, settings.project.aws.region);
      let client: SSMClient | undefined;
      const rendered = await renderEnv(
        {
          stage: v.stage!,
          version: v.version!,
          port: v.port!,
          certFile: v.cert!,
          keyFile: v.key!,
          host: values.host,
        },
        {
          contract: settings.contract,
          project: settings.project,
          region,
          ssm: () => (client ??= createSsmClient(settings.env, settings.project.aws.region)),
        },
      ).finally(() => client?.destroy());
      // Secrets go to the file only, never to this tool's output (the deployment's log); a new
      // file, readable by root alone, that the hook then installs in place.
      writeFileSync(v.out!, rendered.text, { mode: 0o600, flag: 'wx' });
      for (const line of rendered.sources) io.out(`${line}\n`);
      return 0;
    }
    case 'probe': {
      const { values } = parseArgs({
        args,
        options: { port: STRING, version: STRING, 'health-path': STRING, 'version-path': STRING, timeout: STRING },
      });
      const v = required(values, ['port', 'version', 'health-path', 'version-path', 'timeout']);
      const ok = await probeService({
        port: wholeNumber(v.port!, '--port', 1, 65535),
        version: v.version!,
        healthPath: v['health-path']!,
        versionPath: v['version-path']!,
        timeoutMs: wholeNumber(v.timeout!, '--timeout', 1, 9999) * 1000,
        log: (line) => io.out(`[probe] ${line}\n`),
      });
      return ok ? 0 : 1;
    }
    case 'warm-compile-cache': {
      const parsed = parseArgs({ args, options: { uid: STRING, gid: STRING }, allowPositionals: true });
      const [unitFile] = positionals(parsed.positionals, 1, command) as [string];
      const v = required(parsed.values, ['uid', 'gid']);
      const unit = unitCommand(readFileSync(unitFile, 'utf8'));
      const cached = warmCompileCache({
        command: unit,
        uid: wholeNumber(v.uid!, '--uid', 0, MAX_ID),
        gid: wholeNumber(v.gid!, '--gid', 0, MAX_ID),
      });
      const where = `compile cache ${unit.env.NODE_COMPILE_CACHE}`;
      io.out(
        cached.length > 0
          ? `${where}: ${cached.join(', ')}\n`
          : `${where}: empty, ${unit.bin} wrote none (NODE_COMPILE_CACHE needs Node 22.1 or later)\n`,
      );
      return 0;
    }
    default:
      io.err(`${command === undefined ? 'no command' : `unknown command ${JSON.stringify(command)}`}\n${USAGE}\n`);
      return 2;
  }
}

/** Runs one command; returns the exit code. Errors become one readable line, never a stack. */
export async function hostTool(
  argv: readonly string[],
  io: Io,
  settings: HostToolSettings = { contract: SERVICE_ENV, project, env: process.env },
): Promise<number> {
  const [command, ...args] = argv;
  try {
    return await run(command, args, io, settings);
  } catch (error) {
    io.err(`[host-tool] ${command}: ${(error as Error).message}\n`);
    return 1;
  }
}
