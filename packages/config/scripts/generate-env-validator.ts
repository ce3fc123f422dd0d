// Entry of `pnpm generate`: writes the service's env validator (see env-validator-source.ts).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_VALIDATOR_FILE, envValidatorSource } from './env-validator-source.ts';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
writeFileSync(join(packageDir, ENV_VALIDATOR_FILE), envValidatorSource());
process.stdout.write(`wrote ${ENV_VALIDATOR_FILE}\n`);
