// Entry of `pnpm infra:diff` and `pnpm infra:deploy`: the real process, STS and this package's CDK CLI.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInfraDeps } from './cdk/create-infra-deps.js';
import { runInfraCommand } from './cdk/run-infra-command.js';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

process.exitCode = await runInfraCommand(process.argv.slice(2), createInfraDeps(process, packageDir, join(packageDir, 'node_modules', '.bin', 'cdk')));
