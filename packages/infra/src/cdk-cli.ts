// Entry of `pnpm infra:diff`, `infra:deploy` and `infra:destroy`: the real process, STS, CloudFormation and this package's CDK CLI.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { announceNodeSupport } from '@hello/cli-kit/node-support';
import { runEntry } from '@hello/cli-kit/run-entry';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

announceNodeSupport(process);

// Loaded inside runEntry: invalid settings throw while they load and are reported in a few lines.
process.exitCode = await runEntry(process, async () => {
  const { createInfraDeps } = await import('./cdk/create-infra-deps.ts');
  const { runInfraCommand } = await import('./cdk/run-infra-command.ts');
  return (argv) =>
    runInfraCommand(argv, createInfraDeps(process, packageDir, join(packageDir, 'node_modules', '.bin', 'cdk')));
});
