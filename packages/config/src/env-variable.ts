// The kinds of variable the service's env contract (service-env.ts) is made of. Each parses the
// text of one variable itself: no schema library is loaded when the service starts, and the
// messages keep the words the service has always used ("must be integer", "must be <= 65535").

/** Where a host gets a value from: the stage's SSM parameters, named in project.ts `parameters`. */
export type ParameterKind = 'setting' | 'secret';

export type Parsed<T> = { readonly value: T } | { readonly problem: string };

export interface EnvVariable<T> {
  /** What the service does with it (one line, shown in the contract and in errors). */
  readonly about: string;
  /**
   * Used when the variable is unset or empty.
   * @default none: the variable must be set
   */
  readonly default?: T;
  /**
   * A stage's hosts read it from an SSM parameter on every deployment (a `secret` from a
   * SecureString, whose value no message shows).
   * @default none: the deployment hook writes it (stage, version, port, paths) or the default applies
   */
  readonly kind?: ParameterKind;
  parse(text: string): Parsed<T>;
}

export interface Options<T> {
  readonly about: string;
  readonly default?: T;
}

/**
 * What a value of a systemd EnvironmentFile may hold as it is: printable ASCII without spaces,
 * quotes or backslashes. systemd keeps such a value verbatim (src/basic/env-file.c: unquoted
 * values are taken literally except for backslash escapes, leading quotes and surrounding
 * whitespace) and does not expand `$` in environment files.
 */
export const ENV_FILE_VALUE = /^[!#-&(-[\]-~]+$/u;
export const ENV_FILE_VALUE_ALLOWED = 'printable ASCII without spaces, quotes or backslashes';

/**
 * A whole number. A string counts when Number() reads it as one, as env-schema's ajv coercion did
 * ("1e3", "0x10", " 8443"); "8443.5", "true" and "1_000" do not, nor "Infinity" or "1e999".
 */
export function integer(o: Options<number> & { readonly min: number; readonly max: number }): EnvVariable<number> {
  return {
    ...o,
    parse(text) {
      const n = Number(text);
      if (Number.isNaN(n)) return { problem: 'must be integer' };
      if (!Number.isFinite(n)) return { problem: 'must be a finite number' };
      if (!Number.isInteger(n)) return { problem: 'must be integer' };
      if (n < o.min) return { problem: `must be >= ${o.min}` };
      if (n > o.max) return { problem: `must be <= ${o.max}` };
      return { value: n };
    },
  };
}

/** One of a fixed list of words. */
export function oneOf<const V extends readonly string[]>(values: V, o: Options<V[number]>): EnvVariable<V[number]> {
  return {
    ...o,
    parse(text) {
      return values.includes(text)
        ? { value: text }
        : { problem: `must be equal to one of the allowed values; allowed: ${values.join(', ')}` };
    },
  };
}

/** Text that matches a pattern (anchor it: `^...$`). */
export function text(o: Options<string> & { readonly pattern: RegExp }): EnvVariable<string> {
  return {
    ...o,
    parse(value) {
      return o.pattern.test(value) ? { value } : { problem: `must match pattern "${o.pattern.source}"` };
    },
  };
}

/** A variable whose value a stage keeps in a String parameter of SSM (see project.ts `parameters`). */
export function setting<T>(variable: EnvVariable<T>): EnvVariable<T> & { readonly kind: 'setting' } {
  return { ...variable, kind: 'setting' };
}

/**
 * A value a stage keeps in a SecureString parameter of SSM. It has no default (a default would
 * be a secret in the code) and no message ever shows it.
 */
export function secret(o: {
  readonly about: string;
  /** @default ENV_FILE_VALUE */
  readonly pattern?: RegExp;
}): EnvVariable<string> & { readonly kind: 'secret' } {
  const pattern = o.pattern ?? ENV_FILE_VALUE;
  return {
    about: o.about,
    kind: 'secret',
    parse(value) {
      if (pattern.test(value)) return { value };
      return {
        problem:
          o.pattern === undefined ? `must be ${ENV_FILE_VALUE_ALLOWED}` : `must match pattern "${pattern.source}"`,
      };
    },
  };
}
