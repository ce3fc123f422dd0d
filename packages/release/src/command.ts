// The shape of a release command and the one argument parser they share (node:util parseArgs).
import { parseArgs } from 'node:util';
import { UsageError, type ExitCode } from '@hello/cli-kit/cli-error';
import { describeParseError } from '@hello/cli-kit/describe-parse-error';
import type { ReleaseDeps } from './release-deps.ts';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Placeholder shown in --help, e.g. `<sha>`. */
  readonly value?: string;
  readonly description: string;
  readonly default?: string;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** e.g. `publish --version <sha> --file <zip>`. */
  readonly usage: string;
  /** What it does, what it prints, when it fails. */
  readonly details: string;
  readonly examples: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Name of the one positional argument, if the command takes one. */
  readonly positional?: string;
  run(args: ParsedArgs, deps: ReleaseDeps): Promise<ExitCode>;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs & { help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(command.options)) options[name] = { type: spec.type };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: command.positional !== undefined });
  } catch (error) {
    const flags = [
      ...Object.entries(command.options).map(
        ([name, spec]) => `--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`,
      ),
      '--help',
    ];
    throw new UsageError(
      `${command.name}: ${describeParseError(error, flags)}\nSee: pnpm release ${command.name} --help`,
    );
  }
  if (parsed.positionals.length > 1) {
    throw new UsageError(
      `${command.name} takes one ${String(command.positional)}, got: ${parsed.positionals.join(' ')}`,
    );
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, spec] of Object.entries(command.options)) values[name] = parsed.values[name] ?? spec.default;
  return { values, positionals: parsed.positionals, help: parsed.values.help === true };
}

/** A string option's value, or a UsageError that says what the option is for. */
export function requireString(command: Command, args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') {
    // Commands only ask for options they declare.
    const spec = command.options[name]!;
    throw new UsageError(
      `${command.name}: --${name} ${String(spec.value)} is required (${spec.description})\nSee: pnpm release ${command.name} --help`,
    );
  }
  return value;
}

export function commandHelp(command: Command): string {
  const width = Math.max(...Object.entries(command.options).map(([n, s]) => `--${n} ${s.value ?? ''}`.length), 10);
  const lines = Object.entries(command.options).map(([name, spec]) => {
    const flag = `--${name} ${spec.value ?? ''}`.padEnd(width);
    const fallback = spec.default === undefined ? '' : ` (default: ${spec.default})`;
    return `  ${flag}  ${spec.description}${fallback}`;
  });
  return [
    `Usage: pnpm release ${command.usage}`,
    '',
    command.details,
    '',
    'Options:',
    ...lines,
    `  ${'--help'.padEnd(width)}  Show this help`,
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
