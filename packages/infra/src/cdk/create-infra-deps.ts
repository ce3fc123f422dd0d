// The real world of `pnpm infra:*`: this process's streams and environment, STS, CloudFormation,
// the CDK CLI and the terminal.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { project } from '@hello/config/project';
import { createStsClient } from '@hello/cli-kit/aws/check-account';
import { runCdk } from './run-cdk.ts';
import type { InfraDeps } from './run-infra-command.ts';

interface ProcessLike extends Pick<InfraDeps, 'env' | 'stdout' | 'stderr'> {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
}

/** Bounds the wait for a bootstrap stack whose deletion is stuck. */
const DELETE_WAIT_SECONDS = 30 * 60;

/** A y/N question on the terminal; undefined without one (a pipe or CI), where nobody can answer. */
export function terminalConfirm(proc: Pick<ProcessLike, 'stdin' | 'stdout'>) {
  return (question: string): Promise<boolean> | undefined => {
    if (proc.stdin.isTTY !== true) return undefined;
    return new Promise((resolve) => {
      const rl = createInterface({ input: proc.stdin, output: proc.stdout });
      // A terminal closed before the answer (Ctrl-D) declines.
      const decline = (): void => resolve(false);
      rl.once('close', decline);
      rl.question(question).then((answer) => {
        rl.off('close', decline);
        rl.close();
        resolve(/^y(es)?$/i.test(answer.trim()));
      }, decline);
    });
  };
}

export function createInfraDeps(proc: ProcessLike, packageDir: string, cdkBin: string): InfraDeps {
  return {
    sts: () => createStsClient(proc.env),
    cloudFormation: () => new CloudFormationClient({ region: project.aws.region }),
    runCdk: (args) => runCdk(cdkBin, args, packageDir),
    readFile: (path) => readFile(path, 'utf8'),
    confirm: terminalConfirm(proc),
    stdout: proc.stdout,
    stderr: proc.stderr,
    env: proc.env,
    packageDir,
    deleteWaitSeconds: DELETE_WAIT_SECONDS,
  };
}
