// The body of a CLI entry file: load the program, run it, and turn anything thrown on the way
// (including invalid settings, which throw while their module loads) into a short report.
import type { ExitCode } from './cli-error.ts';
import { reportError, wantsVerbose } from './report-error.ts';

export interface EntryProcess {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stderr: { write(text: string): unknown };
}

/**
 * `load` imports the program dynamically: a static import would throw before any code of the
 * entry runs, and Node would print its uncaught-exception dump (code frame, stack, the settings'
 * problem list twice) instead of the few lines reportError writes.
 */
export async function runEntry(
  proc: EntryProcess,
  load: () => Promise<(argv: readonly string[]) => Promise<number>>,
): Promise<number> {
  const argv = proc.argv.slice(2);
  try {
    const run = await load();
    return await run(argv);
  } catch (error) {
    const report = reportError(error, wantsVerbose(argv, proc.env));
    proc.stderr.write(report.text);
    return report.exitCode satisfies ExitCode;
  }
}

/**
 * For an entry with no command to run (the CDK app, which `cdk synth` starts): the module `load`
 * imports, or, when importing throws (invalid settings throw while they load), the short report on
 * stderr and the end of the process with its exit code, instead of Node's uncaught-exception dump.
 */
export async function importOrExit<T>(
  proc: EntryProcess & { exit(code: number): never },
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const report = reportError(error, wantsVerbose(proc.argv.slice(2), proc.env));
    proc.stderr.write(report.text);
    return proc.exit(report.exitCode);
  }
}
