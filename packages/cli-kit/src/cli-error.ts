// Errors a person can act on, each carrying the exit code the CLI ends with.

/** Exit codes of `pnpm release` and `pnpm infra:*`, documented in the README and in --help. */
export const EXIT = {
  /** Done: published, deployed and healthy, smoke-tested, names printed. */
  ok: 0,
  /** Refused or failed: wrong account, conflict, deployment failed or stopped, smoke test failed. */
  failed: 1,
  /** The command line was wrong: unknown command or option, missing or invalid value. */
  usage: 2,
  /** A bound ran out while the outcome was still open (the deployment goes on in AWS). */
  timeout: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A mistake on the command line: exit code 2 and a pointer to --help. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}
