// The real release CLI (`pnpm release watch <id>`, packages/release) against the fake AWS API:
// what the person watching the pipeline would read, and the exit code the pipeline would see.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI as this package's dependency installs it (node_modules/.bin). */
export const RELEASE_BIN = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules/.bin/release');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `release watch <id>` with fake credentials, the fake API as every endpoint, and no AWS config
 * of the person running it (a profile's endpoint or region must not leak in).
 */
export function releaseWatch(
  deploymentId: string,
  endpoint: string,
  o: { bin?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const env = {
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'rehearsal',
    AWS_SECRET_ACCESS_KEY: 'rehearsal',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return new Promise((resolve) => {
    const child = spawn(o.bin ?? RELEASE_BIN, ['watch', deploymentId, '--timeout', '1m'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: o.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: `${stderr}${e.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? 128, stdout, stderr: signal === null ? stderr : `${stderr}killed by ${signal}\n` }),
    );
  });
}
