// The boot-time check of the service's environment against its contract (service-env.ts), also
// run by AfterInstall before it writes the host's env file: a value the service would refuse
// fails the deployment instead of the start.
import type { EnvVariable } from './env-variable.ts';
import { SERVICE_ENV, type EnvContract, type EnvOf, type ServiceEnv } from './service-env.ts';

export class ServiceEnvError extends Error {
  override readonly name = 'ServiceEnvError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid service environment:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Where a variable's value came from, for the messages (e.g. `SSM parameter /hello/prod/api-key`). */
export type EnvOrigin = (name: string) => string | undefined;

/** `NAME="value": problem` (`NAME: problem` when unset); a secret's value is never shown. */
export function describeProblem(
  name: string,
  variable: EnvVariable<unknown>,
  value: string | undefined,
  problem: string,
  origin?: EnvOrigin,
): string {
  const from = origin?.(name);
  const subject =
    value === undefined
      ? name
      : variable.kind === 'secret'
        ? `${name} (secret, value not shown)`
        : `${name}=${JSON.stringify(value)}`;
  return `${subject}: ${problem}${from === undefined ? '' : ` (from ${from})`}`;
}

/**
 * Checks an environment against a contract and returns its typed, frozen values. Unknown
 * variables are ignored, empty ones mean unset; every problem is reported at once.
 */
export function parseEnv<C extends EnvContract>(contract: C, source: EnvSource, origin?: EnvOrigin): EnvOf<C> {
  const env: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(contract)) {
    const text = source[name];
    if (text === undefined || text === '') {
      if (variable.default === undefined)
        problems.push(describeProblem(name, variable, undefined, 'must be set', origin));
      else env[name] = variable.default;
      continue;
    }
    const parsed = variable.parse(text);
    if ('problem' in parsed) problems.push(describeProblem(name, variable, text, parsed.problem, origin));
    else env[name] = parsed.value;
  }
  if (problems.length > 0) throw new ServiceEnvError(problems);
  return Object.freeze(env) as EnvOf<C>;
}

/** The service's own contract: pass `process.env` at the entry point, explicit data in tests. */
export const loadServiceEnv = (source: EnvSource, origin?: EnvOrigin): ServiceEnv =>
  parseEnv(SERVICE_ENV, source, origin);
