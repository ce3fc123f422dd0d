// Everything the release commands touch outside themselves, injectable so tests run fast and offline.
import { appendFile, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createAwsClients, type AwsClients } from './aws/aws-clients.ts';
import { findLocalCertificate } from './local-certificate.ts';

export interface TextSink {
  write(text: string): unknown;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface ReleaseDeps {
  /** AWS clients, created on first use (`names` and `--help` never need them). */
  readonly aws: () => AwsClients;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: Env;
  /** Whether stdout is a terminal: live progress instead of plain lines. */
  readonly isTTY: boolean;
  /** The terminal's width, when stdout is one that says. */
  readonly columns?: number | undefined;
  /** Directory relative paths (--file) are resolved from: where the person ran pnpm. */
  readonly cwd: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly fetch: typeof fetch;
  readonly readFile: (path: string) => Promise<Buffer>;
  readonly appendFile: (path: string, text: string) => Promise<void>;
  /** `pnpm start`'s localhost certificate in this checkout, when there is one. */
  readonly localCertificate?: string | undefined;
}

export interface ProcessLike {
  readonly env: Env;
  readonly stdout: TextSink & { isTTY?: boolean; columns?: number };
  readonly stderr: TextSink;
  cwd(): string;
}

/** The real world: this process's streams and environment, real time, real AWS clients. */
export function createReleaseDeps(proc: ProcessLike): ReleaseDeps {
  let clients: AwsClients | undefined;
  return {
    aws: () => (clients ??= createAwsClients(proc.env)),
    stdout: proc.stdout,
    stderr: proc.stderr,
    env: proc.env,
    isTTY: proc.stdout.isTTY === true,
    columns: proc.stdout.columns,
    // pnpm runs the script in packages/infra; INIT_CWD is where the person typed the command.
    cwd: proc.env.INIT_CWD ?? proc.cwd(),
    now: () => Date.now(),
    sleep: (ms) => delay(ms),
    fetch,
    readFile: (path) => readFile(path),
    appendFile: (path, text) => appendFile(path, text),
    // Found from this file: packages/release/src or dist, inside the checkout, whatever the cwd.
    localCertificate: findLocalCertificate(dirname(fileURLToPath(import.meta.url))),
  };
}

/** CI (CI=true or GitHub Actions) gets plain lines, groups and a step summary; a terminal live progress. */
export function outputMode(deps: Pick<ReleaseDeps, 'env' | 'isTTY'>): 'ci' | 'tty' | 'plain' {
  if (deps.env.CI === 'true' || deps.env.GITHUB_ACTIONS === 'true') return 'ci';
  return deps.isTTY ? 'tty' : 'plain';
}
