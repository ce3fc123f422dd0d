// `pnpm release <command>`: dispatch, help, and turning every error into a message and an exit code.
import { regionNote } from './aws/aws-clients.ts';
import { CliError, EXIT, type ExitCode } from '@hello/cli-kit/cli-error';
import { commandHelp, parseCommandArgs, type Command } from './command.ts';
import { deployCommand } from './commands/deploy.ts';
import { namesCommand } from './commands/names.ts';
import { promoteCommand } from './commands/promote.ts';
import { publishCommand } from './commands/publish.ts';
import { redeployCommand } from './commands/redeploy.ts';
import { rollbackCommand } from './commands/rollback.ts';
import { smokeCommand } from './commands/smoke.ts';
import { watchCommand } from './commands/watch.ts';
import type { ReleaseDeps } from './release-deps.ts';
import { reportError, wantsVerbose, withoutVerbose } from '@hello/cli-kit/report-error';

export const COMMANDS: readonly Command[] = [
  publishCommand,
  deployCommand,
  watchCommand,
  smokeCommand,
  promoteCommand,
  rollbackCommand,
  redeployCommand,
  namesCommand,
];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: pnpm release <command> [options]',
    '',
    'Publish a release once, deploy it with CodeDeploy, watch every host, smoke-test it, promote the',
    'same S3 object version to prod, roll back. Names, account and region come from packages/config;',
    'credentials from the standard AWS configuration (AWS_PROFILE, SSO, GitHub OIDC, AWS_ENDPOINT_URL).',
    'Every command that calls AWS first checks the account with STS and refuses another one.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 done, 1 refused or failed, 2 wrong command line, 3 a time bound ran out.',
    'Errors: a few lines saying what, the value and what is allowed; --verbose or DEBUG=1 adds stack traces.',
    'Output: live progress on a terminal; plain lines, ::group:: and $GITHUB_STEP_SUMMARY with CI=true.',
    'Run `pnpm release <command> --help` for its options and examples.',
    '',
  ].join('\n');
}

export async function runRelease(argv: readonly string[], deps: ReleaseDeps): Promise<ExitCode> {
  const verbose = wantsVerbose(argv, deps.env);
  const [name, ...rest] = withoutVerbose(argv);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    deps.stdout.write(mainHelp());
    if (name !== undefined) return EXIT.ok;
    deps.stderr.write(`error: no command given; the commands are: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return EXIT.usage;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (command === undefined) {
      throw new CliError(
        `unknown command ${JSON.stringify(name)}; the commands are: ${COMMANDS.map((c) => c.name).join(', ')}`,
        EXIT.usage,
      );
    }
    const args = parseCommandArgs(command, rest);
    if (args.help) {
      deps.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const note = command === namesCommand ? undefined : regionNote(deps.env);
    if (note !== undefined) deps.stderr.write(`${note}\n`);
    return await command.run(args, deps);
  } catch (error) {
    const report = reportError(error, verbose);
    deps.stderr.write(report.text);
    return report.exitCode;
  }
}
