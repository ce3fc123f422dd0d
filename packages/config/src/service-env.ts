// The service's runtime contract: the service validates it at boot and the release hooks render
// the host's env file from it, so renaming a variable breaks both at compile time. The service
// checks it with src/validate-service-env.generated.ts, which ajv compiles from this schema
// (`pnpm --filter @hello/config generate`), so TypeBox stays off its start-up path.
import { Type, type Static } from 'typebox';
import { DEFAULT_SHUTDOWN_GRACE_MS, HOST_PATHS, MAX_SHUTDOWN_GRACE_MS, SERVICE_PORT } from './constants.ts';
import { STAGE_NAMES } from './define-project.ts';

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
