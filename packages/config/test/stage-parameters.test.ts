import t from 'tap';
import { integer, oneOf, secret, setting } from '../src/env-variable.ts';
import { putParameterCommand, stageParameters, StageParametersError } from '../src/stage-parameters.ts';

const contract = {
  PORT: integer({ about: 'port', min: 1, max: 65535, default: 8443 }),
  LOG_LEVEL: setting(oneOf(['info', 'debug'], { about: 'level', default: 'info' })),
  REGION_NAME: setting(oneOf(['north', 'south'], { about: 'where' })),
  API_KEY: secret({ about: 'key' }),
};
const project = (parameters: Record<string, string>) => ({ name: 'shop', parameters });

t.test("a stage's parameters sit under its own path, in the contract's order", async (t) => {
  const named = project({ API_KEY: 'api-key', REGION_NAME: 'region', LOG_LEVEL: 'log-level' });
  t.same(stageParameters(contract, named, 'prod'), [
    { variable: 'LOG_LEVEL', name: '/shop/prod/log-level', secret: false, required: false },
    { variable: 'REGION_NAME', name: '/shop/prod/region', secret: false, required: true },
    { variable: 'API_KEY', name: '/shop/prod/api-key', secret: true, required: true },
  ]);
  t.same(
    stageParameters(contract, named, 'staging').map((p) => p.name),
    ['/shop/staging/log-level', '/shop/staging/region', '/shop/staging/api-key'],
  );
  t.same(
    stageParameters(contract, project({ API_KEY: 'k', REGION_NAME: 'r' }), 'prod').map((p) => p.variable),
    ['REGION_NAME', 'API_KEY'],
    'a setting with a default may be left out: it keeps its default',
  );
  t.same(stageParameters({ PORT: contract.PORT }, { name: 'shop' }, 'prod'), [], 'nothing to read');
});

t.test('project.ts and the contract must agree, and the error says how', async (t) => {
  const error = t.throws(
    () => stageParameters(contract, project({ PORT: 'port', REGION_NAME: 'region' }), 'prod'),
    StageParametersError,
  ) as StageParametersError;
  t.same(error.problems, [
    'parameters.PORT: PORT is not a setting or secret of the contract; expected one of LOG_LEVEL, REGION_NAME, API_KEY',
    "parameters.API_KEY: missing; API_KEY is a secret without a default, so project.ts must name its SSM parameter (e.g. API_KEY: 'api-key')",
  ]);
  t.match(error.message, /packages\/config\/src\/project\.ts `parameters`\) do not match its contract/);
  t.match(
    (t.throws(() => stageParameters({ PORT: contract.PORT }, project({ X: 'x' }), 'prod')) as Error).message,
    'expected one of (none: the contract has no setting or secret)',
  );
});

t.test('the put-parameter command names the type a host expects, never a value', async (t) => {
  const [level, , key] = stageParameters(contract, project({ API_KEY: 'k', REGION_NAME: 'r', LOG_LEVEL: 'l' }), 'prod');
  t.equal(
    putParameterCommand(key!, 'eu-west-1'),
    'aws ssm put-parameter --region eu-west-1 --name /shop/prod/k --type SecureString --overwrite --value <value>',
  );
  t.match(putParameterCommand(level!, 'eu-west-1'), '--type String ');
});
