import t from 'tap';
import { DEFAULT_SHUTDOWN_GRACE_MS, HOST_PATHS, MAX_SHUTDOWN_GRACE_MS, SERVICE_PORT } from '../src/constants.ts';
import { ENV_FILE_VALUE_ALLOWED, secret, text } from '../src/env-variable.ts';
import { loadServiceEnv, parseEnv, ServiceEnvError } from '../src/load-service-env.ts';
import { renderEnvFile, renderServiceEnvFile } from '../src/render-service-env-file.ts';
import { SERVICE_ENV_NAMES } from '../src/service-env.ts';

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
