import t from 'tap';
import { SERVICE_PORT } from '../src/constants.ts';
import { ENV_FILE_VALUE_ALLOWED, integer, oneOf, secret, setting } from '../src/env-variable.ts';
import { loadServiceEnv, parseEnv, ServiceEnvError } from '../src/load-service-env.ts';

const problems = (source: Record<string, string | undefined>): readonly string[] =>
  (t.throws(() => loadServiceEnv(source), ServiceEnvError) as ServiceEnvError).problems;

// The coercion env-schema gave the service (ajv's coerceTypes): a string becomes an integer when
// Number() reads it as one. TypeBox's Value.Convert, used before, also truncated "8443.5" to 8443
// and read "true" as 1.
t.test('integers are read the way ajv coerces strings', async (t) => {
  const accepted: [string | undefined, number][] = [
    ['8443', 8443],
    [' 8443', 8443],
    ['8443\n', 8443],
    ['1e3', 1000],
    ['0x10', 16],
    ['+443', 443],
    ['443.0', 443],
    ['', SERVICE_PORT],
    [undefined, SERVICE_PORT],
  ];
  for (const [value, expected] of accepted)
    t.equal(loadServiceEnv({ PORT: value }).PORT, expected, JSON.stringify(value));
  t.equal(loadServiceEnv({}).PORT, SERVICE_PORT, 'missing');

  const refused: [string, string][] = [
    ['8443.5', 'PORT="8443.5": must be integer'],
    ['true', 'PORT="true": must be integer'],
    ['1_000', 'PORT="1_000": must be integer'],
    ['-1', 'PORT="-1": must be >= 1'],
    ['Infinity', 'PORT="Infinity": must be a finite number'],
    ['1e400', 'PORT="1e400": must be a finite number'],
  ];
  for (const [value, expected] of refused) t.same(problems({ PORT: value }), [expected], value);
  t.same(
    problems({ SHUTDOWN_GRACE_MS: '-Infinity', PORT: 'x' }),
    ['PORT="x": must be integer', 'SHUTDOWN_GRACE_MS="-Infinity": must be a finite number'],
    'a non-finite number is reported with the other problems',
  );
});

t.test('the source is not changed and the result holds only the contract', async (t) => {
  const source = { PORT: '9443', HOME: '/root', STAGE: '' };
  const env = loadServiceEnv(source);
  t.same(source, { PORT: '9443', HOME: '/root', STAGE: '' });
  t.same(Object.keys(env).sort(), [
    'HOST',
    'LOG_LEVEL',
    'PORT',
    'RELEASE_VERSION',
    'SHUTDOWN_GRACE_MS',
    'STAGE',
    'TLS_CERT_FILE',
    'TLS_KEY_FILE',
  ]);
  t.ok(Object.isFrozen(env));
});

// A contract of the kinds the service's may grow: a required setting and a secret.
const contract = {
  PORT: integer({ about: 'port', min: 1, max: 65535, default: 8443 }),
  REGION_NAME: setting(oneOf(['north', 'south'], { about: 'where' })),
  API_KEY: secret({ about: 'key of an API' }),
  TOKEN: secret({ about: 'a token', pattern: /^tok_[a-z]{8}$/u }),
};

t.test('a variable without a default must be set; a secret is checked without ever being shown', async (t) => {
  const error = t.throws(() => parseEnv(contract, { API_KEY: 'has space', TOKEN: 'tok_short' })) as ServiceEnvError;
  t.same(error.problems, [
    'REGION_NAME: must be set',
    `API_KEY (secret, value not shown): must be ${ENV_FILE_VALUE_ALLOWED}`,
    'TOKEN (secret, value not shown): must match pattern "^tok_[a-z]{8}$"',
  ]);
  t.notMatch(error.message, /has space|tok_short/);
  const env = parseEnv(contract, {
    REGION_NAME: 'north',
    API_KEY: 's3cr3t!#%&()*+,-./:;<=>?@[]^_`{|}~$',
    TOKEN: 'tok_abcdefgh',
  });
  t.same(env, {
    PORT: 8443,
    REGION_NAME: 'north',
    API_KEY: 's3cr3t!#%&()*+,-./:;<=>?@[]^_`{|}~$',
    TOKEN: 'tok_abcdefgh',
  });
});

t.test('a problem names where the value came from', async (t) => {
  const origin = (name: string) => (name === 'PORT' ? undefined : `SSM parameter /shop/prod/${name.toLowerCase()}`);
  const error = t.throws(() =>
    parseEnv(contract, { PORT: '0', REGION_NAME: 'east', API_KEY: 'a b', TOKEN: 'tok_abcdefgh' }, origin),
  ) as ServiceEnvError;
  t.same(error.problems, [
    'PORT="0": must be >= 1',
    'REGION_NAME="east": must be equal to one of the allowed values; allowed: north, south (from SSM parameter /shop/prod/region_name)',
    `API_KEY (secret, value not shown): must be ${ENV_FILE_VALUE_ALLOWED} (from SSM parameter /shop/prod/api_key)`,
  ]);
});
