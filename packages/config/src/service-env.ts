// The service's runtime contract: every environment variable it reads, one line each. The service
// checks it at boot (load-service-env.ts), AfterInstall renders the host's env file from it
// (render-service-env-file.ts), and a renamed variable breaks typecheck in both. Adding one is a
// line here; a `setting` or `secret` also needs its SSM parameter named in project.ts
// `parameters` and a value put in each stage (docs/service.md#settings-and-secrets).
import { DEFAULT_SHUTDOWN_GRACE_MS, HOST_PATHS, MAX_SHUTDOWN_GRACE_MS, SERVICE_PORT } from './constants.ts';
import { STAGE_NAMES } from './define-project.ts';
import { integer, oneOf, setting, text, type EnvVariable, type ParameterKind } from './env-variable.ts';

/** Stages the service can run in: the deployed ones, and `local` on a laptop or in CI. */
export const SERVICE_STAGES = ['local', ...STAGE_NAMES] as const;
export type ServiceStage = (typeof SERVICE_STAGES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// No whitespace, quotes, `$` or backslashes: the value goes into a systemd EnvironmentFile as is.
const PATH = /^\/[A-Za-z0-9._/@+-]*$/u;

export const SERVICE_ENV = {
  PORT: integer({ about: 'HTTPS port to listen on', min: 1, max: 65535, default: SERVICE_PORT }),
  HOST: text({ about: 'address to listen on', pattern: /^[A-Za-z0-9.:-]+$/u, default: '0.0.0.0' }),
  TLS_CERT_FILE: text({ about: 'PEM certificate chain, leaf first', pattern: PATH, default: HOST_PATHS.tlsCert }),
  TLS_KEY_FILE: text({ about: "PEM private key of the certificate's leaf", pattern: PATH, default: HOST_PATHS.tlsKey }),
  STAGE: oneOf(SERVICE_STAGES, { about: 'stage shown by / and in the logs', default: 'local' }),
  LOG_LEVEL: setting(oneOf(LOG_LEVELS, { about: 'pino log level', default: 'info' })),
  RELEASE_VERSION: text({ about: 'release answered by /version', pattern: /^[A-Za-z0-9._-]{1,64}$/u, default: 'dev' }),
  SHUTDOWN_GRACE_MS: integer({
    about: 'how long in-flight requests get after SIGTERM',
    min: 0,
    max: MAX_SHUTDOWN_GRACE_MS,
    default: DEFAULT_SHUTDOWN_GRACE_MS,
  }),
  // A secret: a SecureString per stage, e.g. /<name>/<stage>/payments-api-key, named in project.ts.
  // PAYMENTS_API_KEY: secret({ about: 'key of the payments API' }),
} as const satisfies EnvContract;

/** A contract: variable name -> what it holds. Tests and the rehearsal build their own. */
export type EnvContract = Readonly<Record<string, EnvVariable<unknown>>>;

/** The parsed values of a contract: every variable has one (its default when unset). */
export type EnvOf<C extends EnvContract> = { readonly [K in keyof C]: C[K] extends EnvVariable<infer T> ? T : never };

/** The names of a contract's variables that a stage keeps in SSM (`setting` or `secret`). */
export type ParameterVariableOf<C extends EnvContract> = {
  [K in keyof C]: C[K] extends { readonly kind: ParameterKind } ? K : never;
}[keyof C];

export type ServiceEnv = EnvOf<typeof SERVICE_ENV>;
export type ServiceEnvName = keyof ServiceEnv;
/** Variables of the service that project.ts may name an SSM parameter for. */
export type ServiceParameterVariable = ParameterVariableOf<typeof SERVICE_ENV>;

/** Every variable of the contract, in a stable order (the env file is rendered in it). */
export const SERVICE_ENV_NAMES = Object.keys(SERVICE_ENV) as ServiceEnvName[];
