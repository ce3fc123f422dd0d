// The real world of `pnpm infra:*`: this process's streams and environment, STS, the CDK CLI.
import { readFile } from 'node:fs/promises';
import { createAwsClients } from '../aws/aws-clients.js';
import type { ProcessLike } from '../release/release-deps.js';
import { runCdk } from './run-cdk.js';
import type { InfraDeps } from './run-infra-command.js';

export function createInfraDeps(proc: Omit<ProcessLike, 'cwd'>, packageDir: string, cdkBin: string): InfraDeps {
  return {
    sts: () => createAwsClients(proc.env).sts,
    runCdk: (args) => runCdk(cdkBin, args, packageDir),
    readFile: (path) => readFile(path, 'utf8'),
    stdout: proc.stdout,
    stderr: proc.stderr,
    env: proc.env,
    packageDir,
  };
}
