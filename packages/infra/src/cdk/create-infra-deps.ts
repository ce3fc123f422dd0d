// The real world of `pnpm infra:*`: this process's streams and environment, STS, the CDK CLI.
import { readFile } from 'node:fs/promises';
import { createStsClient } from '@hello/cli-kit/aws/check-account';
import { runCdk } from './run-cdk.ts';
import type { InfraDeps } from './run-infra-command.ts';

type ProcessLike = Pick<InfraDeps, 'env' | 'stdout' | 'stderr'>;

export function createInfraDeps(proc: ProcessLike, packageDir: string, cdkBin: string): InfraDeps {
  return {
    sts: () => createStsClient(proc.env),
    runCdk: (args) => runCdk(cdkBin, args, packageDir),
    readFile: (path) => readFile(path, 'utf8'),
    stdout: proc.stdout,
    stderr: proc.stderr,
    env: proc.env,
    packageDir,
  };
}
