// The command line of `pnpm infra:diff`, `pnpm infra:deploy` and `pnpm infra:destroy`, and their help.
import { parseArgs } from 'node:util';
import { UsageError } from '@hello/cli-kit/cli-error';
import { describeParseError } from '@hello/cli-kit/describe-parse-error';
import { VERBOSE_FLAG } from '@hello/cli-kit/report-error';

export const INFRA_COMMANDS = ['diff', 'deploy', 'destroy'] as const;
export type InfraCommand = (typeof INFRA_COMMANDS)[number];

export interface InfraArgs {
  readonly command: InfraCommand;
  readonly stacks: readonly string[];
  readonly all: boolean;
  readonly help: boolean;
  readonly noChangeSet: boolean;
  readonly force: boolean;
  readonly verbose: boolean;
  /** Everything after `--`, passed to the CDK CLI as it is. */
  readonly passthrough: readonly string[];
}

export interface KnownStacks {
  /** The CDK app's stacks (diff, deploy, destroy). */
  readonly app: readonly string[];
  /** The stacks `cdk bootstrap` made (destroy only). */
  readonly bootstrap: readonly string[];
  /** The account the credentials must belong to, for the help text. */
  readonly account: string;
}

/** Written by every deploy; the workflows and a person can read the endpoint URLs from it. */
export const OUTPUTS_FILE = 'cdk-outputs.json';

export function infraHelp(known: KnownStacks): string {
  return [
    'Usage: pnpm infra:diff [<stack>...] [--no-change-set] [--verbose] [-- <cdk options>]',
    '       pnpm infra:deploy <stack>... | --all [--verbose] [-- <cdk options>]',
    '       pnpm infra:destroy <stack>... [--force] [--verbose] [-- <cdk options>]',
    '',
    `Checks with STS that the credentials belong to account ${known.account} (packages/config), then runs`,
    '`cdk diff` (all stacks unless named), `cdk deploy`, or deletes the named stacks in teardown order.',
    'With CI=true deploy passes --require-approval never.',
    '--no-change-set diffs against the deployed template only; the read-only pull-request role needs it.',
    '--force deletes without asking (destroy asks once at a terminal and refuses elsewhere without it).',
    '--verbose (or DEBUG=1) passes --verbose to cdk and shows stack traces of errors.',
    `A deploy writes the stack outputs to packages/infra/${OUTPUTS_FILE} and prints them (endpoint URLs).`,
    'destroy refuses to delete a stack that a stack it leaves in place still needs, and deletes nothing then.',
    '',
    `Stacks: ${known.app.join(', ')}`,
    `Bootstrap stacks (destroy only): ${known.bootstrap.join(', ')}`,
    "Exit codes: the CDK CLI's; 1 when the account or the settings are wrong (nothing is run), 2 for a wrong command line.",
    '',
  ].join('\n');
}

const OPTIONS = ['--all', '--no-change-set', '--force', VERBOSE_FLAG, '--help'];
const COMMANDS = 'the commands are diff, deploy and destroy (pnpm infra:diff, pnpm infra:deploy, pnpm infra:destroy)';

export function parseInfraArgs(argv: readonly string[], known: KnownStacks): InfraArgs {
  const [command, ...rest] = argv;
  const none = { stacks: [], all: false, noChangeSet: false, force: false, verbose: false, passthrough: [] };
  if (command === '--help' || command === '-h') return { command: 'diff', help: true, ...none };
  if (command === undefined) throw new UsageError(`infra: no command given; ${COMMANDS}`);
  if (!(INFRA_COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`infra: unknown command ${JSON.stringify(command)}; ${COMMANDS}`);
  }
  const name = command as InfraCommand;
  const split = rest.indexOf('--');
  const own = split === -1 ? rest : rest.slice(0, split);
  const passthrough = split === -1 ? [] : rest.slice(split + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      options: {
        help: { type: 'boolean', short: 'h' },
        all: { type: 'boolean' },
        'no-change-set': { type: 'boolean' },
        force: { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `infra:${name}: ${describeParseError(error, OPTIONS)}; CDK options go after --, e.g. pnpm infra:${name} <stack> -- --context key=value`,
    );
  }
  const stacks = parsed.positionals;
  const allowed = name === 'destroy' ? [...known.app, ...known.bootstrap] : known.app;
  const unknown = stacks.filter((s) => !allowed.includes(s));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown stack ${unknown.join(', ')}; the stacks${name === 'destroy' ? ' infra:destroy deletes' : ''} are: ${allowed.join(', ')}`,
    );
  }
  const all = parsed.values.all === true;
  const help = parsed.values.help === true;
  const flag = (option: 'no-change-set' | 'force', only: InfraCommand): void => {
    if (parsed.values[option] === true && name !== only)
      throw new UsageError(`--${option} goes with infra:${only} only`);
  };
  flag('no-change-set', 'diff');
  flag('force', 'destroy');
  if (all && name === 'destroy') {
    throw new UsageError(
      'infra:destroy takes no --all: name the stacks, one teardown step at a time (docs/teardown.md)',
    );
  }
  if (!help && name !== 'diff' && stacks.length === 0 && !all) {
    throw new UsageError(
      name === 'deploy'
        ? `infra:deploy: no stack given; name the stacks to deploy (${known.app.join(', ')}) or pass --all`
        : `infra:destroy: no stack given; name the stacks to delete (${allowed.join(', ')})`,
    );
  }
  if (name === 'deploy' && stacks.length > 0 && all) {
    throw new UsageError(`infra:deploy: ${stacks.join(', ')} and --all: name stacks or pass --all, not both`);
  }
  return {
    command: name,
    stacks,
    all,
    help,
    noChangeSet: parsed.values['no-change-set'] === true,
    force: parsed.values.force === true,
    verbose: parsed.values.verbose === true,
    passthrough,
  };
}
