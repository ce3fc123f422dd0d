import t from 'tap';
import { DEFAULT_SHUTDOWN_GRACE_MS, HOST_PATHS, MAX_SHUTDOWN_GRACE_MS, SERVICE_PORT } from '../src/constants.ts';
import { ENV_FILE_VALUE_ALLOWED, secret, text, integer, oneOf, setting } from '../src/env-variable.ts';
import { loadServiceEnv, parseEnv, ServiceEnvError } from '../src/load-service-env.ts';
import { renderEnvFile, renderServiceEnvFile } from '../src/render-service-env-file.ts';
import { SERVICE_ENV_NAMES } from '../src/service-env.ts';
import { putParameterCommand, stageParameters, StageParametersError } from '../src/stage-parameters.ts';

t.test('service-env.ts', async (t) => {
  t.test('an empty environment gets the production defaults', async (t) => {
    const env = loadServiceEnv({});
    t.same(env, {
      PORT: SERVICE_PORT,
      HOST: '0.0.0.0',
      TLS_CERT_FILE: HOST_PATHS.tlsCert,
      TLS_KEY_FILE: HOST_PATHS.tlsKey,
      STAGE: 'local',
      LOG_LEVEL: 'info',
      RELEASE_VERSION: 'dev',
      SHUTDOWN_GRACE_MS: DEFAULT_SHUTDOWN_GRACE_MS,
    });
    t.ok(Object.isFrozen(env));
  });

  t.test('values are parsed and typed; unrelated variables are ignored; empty means unset', async (t) => {
    const env = loadServiceEnv({
      PORT: '9443',
      STAGE: 'prod',
      LOG_LEVEL: 'warn',
      RELEASE_VERSION: 'abc123',
      SHUTDOWN_GRACE_MS: '2500',
      HOST: '::',
      PATH: '/usr/bin',
      TLS_CERT_FILE: '',
    });
    t.equal(env.PORT, 9443);
    t.equal(env.SHUTDOWN_GRACE_MS, 2500);
    t.equal(env.STAGE, 'prod');
    t.equal(env.HOST, '::');
    t.equal(env.TLS_CERT_FILE, HOST_PATHS.tlsCert);
    t.notOk('PATH' in env, 'variables outside the contract are not carried');
  });

  t.test('bad values name the variable, the value and what is allowed', async (t) => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: '99999' }, /PORT="99999": must be <= 65535/],
      [{ PORT: 'https' }, /PORT="https": must be integer/],
      [{ STAGE: 'qa' }, /STAGE="qa": .*allowed: local, staging, prod/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud": .*allowed: fatal, error/],
      [{ RELEASE_VERSION: 'a b' }, /RELEASE_VERSION="a b": must match pattern/],
      [{ TLS_KEY_FILE: 'relative/key.pem' }, /TLS_KEY_FILE="relative\/key.pem": must match pattern/],
      [
        { SHUTDOWN_GRACE_MS: String(MAX_SHUTDOWN_GRACE_MS + 1) },
        new RegExp(`SHUTDOWN_GRACE_MS=.*must be <= ${MAX_SHUTDOWN_GRACE_MS}`),
      ],
    ];
    for (const [source, expected] of cases) {
      const error = t.throws(() => loadServiceEnv(source), ServiceEnvError) as ServiceEnvError;
      t.match(error.message, expected, JSON.stringify(source));
    }
  });

  t.test('all problems are reported together', async (t) => {
    const error = t.throws(() => loadServiceEnv({ PORT: '0', STAGE: 'qa' })) as ServiceEnvError;
    t.equal(error.problems.length, 2);
    t.match(error.message, /^invalid service environment:/);
    t.equal(error.name, 'ServiceEnvError');
  });

  t.test('the env file lists every variable of the contract and loads back to the same values', async (t) => {
    const env = loadServiceEnv({ STAGE: 'staging', RELEASE_VERSION: '0123abc', PORT: '8443' });
    const file = renderServiceEnvFile(env);
    const lines = file.trimEnd().split('\n');
    t.same(
      lines.map((l) => l.split('=')[0]),
      SERVICE_ENV_NAMES,
    );
    const parsed = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    t.same(loadServiceEnv(parsed), env);
  });

  t.test('rendering refuses values that would not survive an EnvironmentFile', async (t) => {
    const forged = { ...loadServiceEnv({}), RELEASE_VERSION: 'x\nSTAGE=prod' };
    t.throws(() => renderServiceEnvFile(forged), ServiceEnvError);
  });

  t.test('a secret goes into the env file as it is; a value systemd would not keep is refused unshown', async (t) => {
    const contract = {
      API_KEY: secret({ about: 'key', pattern: /^[a-z ]+$/u }),
      NOTE: text({ about: 'note', pattern: /^[a-z ]+$/u, default: 'a b' }),
    };
    t.equal(renderEnvFile(contract, parseEnv(contract, { API_KEY: 'abc', NOTE: 'x' })), 'API_KEY=abc\nNOTE=x\n');
    const error = t.throws(() =>
      renderEnvFile(contract, parseEnv(contract, { API_KEY: 'two words' })),
    ) as ServiceEnvError;
    t.same(error.problems, [
      `API_KEY (secret, value not shown): cannot be written to an EnvironmentFile; expected ${ENV_FILE_VALUE_ALLOWED}`,
      `NOTE="a b": cannot be written to an EnvironmentFile; expected ${ENV_FILE_VALUE_ALLOWED}`,
    ]);
    t.notMatch(error.message, /two words/);
  });
});

t.test('load-service-env.ts', async (t) => {
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
});

t.test('stage-parameters.ts', async (t) => {
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
    const [level, , key] = stageParameters(
      contract,
      project({ API_KEY: 'k', REGION_NAME: 'r', LOG_LEVEL: 'l' }),
      'prod',
    );
    t.equal(
      putParameterCommand(key!, 'eu-west-1'),
      'aws ssm put-parameter --region eu-west-1 --name /shop/prod/k --type SecureString --overwrite --value <value>',
    );
    t.match(putParameterCommand(level!, 'eu-west-1'), '--type String ');
  });
});
