// Entry of `pnpm infra:diff` and `pnpm infra:deploy`: the real process, STS and CDK CLI.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAwsClients } from './aws/aws-clients.js';
import { runCdk } from './cdk/run-cdk.js';
import { runInfraCommand } from './cdk/run-infra-command.js';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const cdkBin = join(packageDir, 'node_modules', '.bin', 'cdk');

process.exitCode = await runInfraCommand(process.argv.slice(2), {
  sts: () => createAwsClients(process.env).sts,
  runCdk: (args) => runCdk(cdkBin, args, packageDir),
  readFile: (path) => readFile(path, 'utf8'),
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  packageDir,
});
