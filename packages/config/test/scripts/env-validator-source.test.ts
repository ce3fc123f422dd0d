import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ENV_VALIDATOR_FILE,
  envValidatorSource,
  inlineAjvRuntime,
  REGENERATE_COMMAND,
} from '../../scripts/env-validator-source.ts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '../..');

t.test('the committed validator is what the schema compiles to today', async (t) => {
  const committed = readFileSync(join(packageDir, ENV_VALIDATOR_FILE), 'utf8');
  t.equal(committed, envValidatorSource(), `${ENV_VALIDATOR_FILE} is stale: run ${REGENERATE_COMMAND}`);
});

t.test('the validator imports nothing: ajv runtime helpers are inlined or refused', async (t) => {
  t.notMatch(envValidatorSource(), /\brequire\(|^\s*import\b/m);
  t.equal(inlineAjvRuntime('const a = 1;'), 'const a = 1;');
  t.throws(
    () => inlineAjvRuntime('const func0 = require("ajv/dist/runtime/equal").default;'),
    /needs ajv's runtime \(require\("ajv\/dist\/runtime\/equal"\)\): inline it in scripts\/env-validator-source\.ts/,
  );
});
