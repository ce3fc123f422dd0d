// The host's env file, rendered by the release hooks from the service's contract.
import { ENV_FILE_VALUE, ENV_FILE_VALUE_ALLOWED } from './env-variable.ts';
import { describeProblem, parseEnv, ServiceEnvError } from './load-service-env.ts';
import { SERVICE_ENV, type EnvContract, type EnvOf, type ServiceEnv } from './service-env.ts';

/**
 * A systemd EnvironmentFile (KEY=value lines, in the contract's order) of checked values. Refuses
 * a value the contract rejects or that systemd would not read back as it is.
 */
export function renderEnvFile<C extends EnvContract>(contract: C, env: EnvOf<C>): string {
  const values = Object.keys(contract).map((name) => [name, String(env[name])] as const);
  parseEnv(contract, Object.fromEntries(values));
  const problems = values
    .filter(([, value]) => !ENV_FILE_VALUE.test(value))
    .map(([name, value]) =>
      describeProblem(
        name,
        contract[name]!,
        value,
        `cannot be written to an EnvironmentFile; expected ${ENV_FILE_VALUE_ALLOWED}`,
      ),
    );
  if (problems.length > 0) throw new ServiceEnvError(problems);
  return values.map(([name, value]) => `${name}=${value}\n`).join('');
}

/** The env file of the service's own contract. */
export const renderServiceEnvFile = (env: ServiceEnv): string => renderEnvFile(SERVICE_ENV, env);
