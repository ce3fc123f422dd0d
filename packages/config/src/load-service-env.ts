// The service's boot-time check of its environment, with the validator ajv generated from
// ServiceEnvSchema: neither TypeBox nor a schema compiler is loaded (~45 ms of the cold start).
import type { ServiceEnv } from './service-env.ts';
import { validateServiceEnv } from './validate-service-env.generated.ts';

export class ServiceEnvError extends Error {
  override readonly name = 'ServiceEnvError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid service environment:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** The part of an ajv error the messages use. */
interface Issue {
  readonly instancePath: string;
  readonly message: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** What the loader uses of the generated validator (plain JavaScript, not type-checked). */
interface Validator {
  /** Coerces strings to integers, fills defaults and drops unknown names, in place. */
  (data: Record<string, unknown>): boolean;
  readonly errors?: readonly Issue[] | null;
}

const validate: Validator = validateServiceEnv;

type Source = Readonly<Record<string, string | undefined>>;

function describe(name: string, source: Source, message: string, allowed?: unknown): string {
  const values = Array.isArray(allowed) ? `; allowed: ${allowed.join(', ')}` : '';
  return `${name}=${JSON.stringify(source[name])}: ${message}${values}`;
}

/**
 * Validates an environment (pass `process.env` at the entry point, explicit data in tests) and
 * returns the typed, frozen contract. Unknown variables are ignored, empty ones mean unset; every
 * problem is reported.
 */
export function loadServiceEnv(source: Source): ServiceEnv {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && value !== '') data[name] = value;
  }
  const problems = validate(data)
    ? []
    : validate.errors!.map((i) => describe(i.instancePath.slice(1), source, i.message, i.params.allowedValues));
  // ajv coerces "Infinity" or "1e999" to Infinity without checking the result, which then skips
  // minimum and maximum (ajv-validator/ajv#2212, so in ajv 8.20.0 too).
  for (const [name, value] of Object.entries(data)) {
    if (typeof value === 'number' && !Number.isFinite(value))
      problems.push(describe(name, source, 'must be a finite number'));
  }
  if (problems.length > 0) throw new ServiceEnvError(problems);
  return Object.freeze(data) as ServiceEnv;
}
