// The host's env file, rendered by the release hooks from the service's contract.
import { loadServiceEnv } from './load-service-env.ts';
import { SERVICE_ENV_NAMES, type ServiceEnv } from './service-env.ts';

/** Renders a systemd EnvironmentFile (KEY=value lines) for a validated contract. */
export function renderServiceEnvFile(env: ServiceEnv): string {
  const checked = loadServiceEnv(Object.fromEntries(SERVICE_ENV_NAMES.map((name) => [name, String(env[name])])));
  return SERVICE_ENV_NAMES.map((name) => `${name}=${String(checked[name])}\n`).join('');
}
