// The service's runtime contract: the service validates it at boot and the release hooks render
// the host's env file from it, so renaming a variable breaks both at compile time.
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import {
  DEFAULT_SHUTDOWN_GRACE_MS,
  HOST_PATHS,
  MAX_SHUTDOWN_GRACE_MS,
  SERVICE_PORT,
} from './constants.js';
import { STAGE_NAMES } from './define-project.js';

/** Stages the service can run in: the deployed ones, and `local` on a laptop or in CI. */
export const SERVICE_STAGES = ['local', ...STAGE_NAMES] as const;
export type ServiceStage = (typeof SERVICE_STAGES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// No whitespace, quotes, `$` or backslashes: the value goes into a systemd EnvironmentFile as is.
const PATH_PATTERN = '^/[A-Za-z0-9._/@+-]*$';

export const ServiceEnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: SERVICE_PORT }),
  HOST: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9.:-]+$', default: '0.0.0.0' }),
  TLS_CERT_FILE: Type.String({ pattern: PATH_PATTERN, default: HOST_PATHS.tlsCert }),
  TLS_KEY_FILE: Type.String({ pattern: PATH_PATTERN, default: HOST_PATHS.tlsKey }),
  STAGE: Type.Enum(SERVICE_STAGES, { default: 'local' }),
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info' }),
  RELEASE_VERSION: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', default: 'dev' }),
  SHUTDOWN_GRACE_MS: Type.Integer({
    minimum: 0,
    maximum: MAX_SHUTDOWN_GRACE_MS,
    default: DEFAULT_SHUTDOWN_GRACE_MS,
  }),
});

export type ServiceEnv = Readonly<Static<typeof ServiceEnvSchema>>;
export type ServiceEnvName = keyof ServiceEnv;

/** Every variable of the contract, in a stable order (the env file is rendered in it). */
export const SERVICE_ENV_NAMES = Object.keys(ServiceEnvSchema.properties) as ServiceEnvName[];

export class ServiceEnvError extends Error {
  override readonly name = 'ServiceEnvError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid service environment:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The part of a TypeBox validation error the messages use (the same shape ajv reports). */
interface Issue {
  readonly instancePath: string;
  readonly message: string;
  readonly params: Readonly<Record<string, unknown>>;
}

function describe(issue: Issue, source: Readonly<Record<string, string | undefined>>): string {
  const name = issue.instancePath.replace(/^\//, '');
  const allowed = Array.isArray(issue.params.allowedValues)
    ? `; allowed: ${issue.params.allowedValues.join(', ')}`
    : '';
  return `${name}=${JSON.stringify(source[name])}: ${issue.message}${allowed}`;
}

// TypeBox's compiler builds the check as plain JavaScript (~5 ms), where env-schema's ajv first
// compiled its meta-schema and ours on every call (~130 ms of the service's cold start).
let validator: ReturnType<typeof Compile<typeof ServiceEnvSchema>> | undefined;

/**
 * Validates an environment (pass `process.env` at the entry point, explicit data in tests) and
 * returns the typed, frozen contract. Unknown variables are ignored; every problem is reported.
 */
export function loadServiceEnv(source: Readonly<Record<string, string | undefined>>): ServiceEnv {
  const data: Record<string, string> = {};
  for (const name of SERVICE_ENV_NAMES) {
    const value = source[name];
    if (value !== undefined && value !== '') data[name] = value;
  }
  validator ??= Compile(ServiceEnvSchema);
  // Strings to numbers where the schema says so (as env-schema's coercion did), then defaults.
  const env = Value.Default(ServiceEnvSchema, Value.Convert(ServiceEnvSchema, data));
  if (!validator.Check(env)) {
    throw new ServiceEnvError([...validator.Errors(env)].map((i) => describe(i as Issue, source)));
  }
  return Object.freeze({ ...env });
}

/** Renders a systemd EnvironmentFile (KEY=value lines) for a validated contract. */
export function renderServiceEnvFile(env: ServiceEnv): string {
  const checked = loadServiceEnv(Object.fromEntries(
    SERVICE_ENV_NAMES.map((name) => [name, String(env[name])]),
  ));
  return SERVICE_ENV_NAMES.map((name) => `${name}=${String(checked[name])}\n`).join('');
}
