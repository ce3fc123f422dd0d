// How every command of the workspace (release, infra:*, check:settings, the CDK app) ends on an
// error: what went wrong in a few lines, no stack trace unless asked for (--verbose or DEBUG=1),
// and an exit code.
import { CliError, EXIT, type ExitCode } from './cli-error.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The flag that asks for stack traces; taken out of argv before a command parses it. */
export const VERBOSE_FLAG = '--verbose';

/** Whether the person asked for stack traces: --verbose anywhere, or DEBUG set to 1/true/*. */
export function wantsVerbose(argv: readonly string[], env: Env): boolean {
  return argv.includes(VERBOSE_FLAG) || ['1', 'true', '*'].includes(env.DEBUG ?? '');
}

/** argv without the --verbose flag (every command accepts it). */
export function withoutVerbose(argv: readonly string[]): string[] {
  return argv.filter((a) => a !== VERBOSE_FLAG);
}

export interface ErrorReport {
  readonly text: string;
  readonly exitCode: ExitCode;
}

/**
 * A CliError is a situation a person can act on: its message. Invalid settings
 * (packages/config's ProjectConfigError, thrown while the settings module loads) are the list
 * of problems, each naming the field, the value and what is allowed. Anything else is a bug:
 * its message, and its stack with --verbose.
 */
export function reportError(error: unknown, verbose: boolean): ErrorReport {
  const e = error instanceof Error ? error : new Error(String(error));
  // The frames only: the stack's first line repeats the message.
  const frames = verbose ? (e.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)) : [];
  const stack = frames.map((line) => `\n${line}`).join('');
  if (e instanceof CliError) return { text: `error: ${e.message}${stack}\n`, exitCode: e.exitCode };
  if (e.name === 'ProjectConfigError') return { text: `error: ${e.message}${stack}\n`, exitCode: EXIT.failed };
  const hint = verbose ? '' : `\n(a bug: run again with ${VERBOSE_FLAG} or DEBUG=1 for the stack trace)`;
  return { text: `unexpected error: ${e.name}: ${e.message}${stack}${hint}\n`, exitCode: EXIT.failed };
}
