// `pnpm infra:diff` / `pnpm infra:deploy`: the CDK CLI, but only with credentials of the configured
// account, and with the stack outputs (endpoint URLs) printed after a deploy.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { STSClient } from '@aws-sdk/client-sts';
import { STAGE_NAMES } from '@hello/config/define-project';
import { foundationStackName, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { checkAccount } from '@hello/cli-kit/aws/check-account';
import { CliError, EXIT, UsageError } from '@hello/cli-kit/cli-error';
import { describeParseError } from '@hello/cli-kit/describe-parse-error';
import { reportError, VERBOSE_FLAG, wantsVerbose } from '@hello/cli-kit/report-error';
import { formatStackOutputs, type StackOutputs } from './print-stack-outputs.ts';

export interface InfraDeps {
  readonly sts: () => STSClient;
  /** Runs `cdk <args>` in packageDir and resolves with its exit code. */
  readonly runCdk: (args: readonly string[]) => Promise<number>;
  readonly readFile: (path: string) => Promise<string>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** packages/infra: where cdk.json is and where the outputs file goes. */
  readonly packageDir: string;
}

/** Written by every deploy; the workflows and a person can read the endpoint URLs from it. */
export const OUTPUTS_FILE = 'cdk-outputs.json';

export const STACK_NAMES: readonly string[] = [
  foundationStackName(project),
  ...STAGE_NAMES.map((s) => stageStackName(project, s)),
];

export function infraHelp(): string {
  return [
    'Usage: pnpm infra:diff [<stack>...] [--no-change-set] [--verbose] [-- <cdk options>]',
    '       pnpm infra:deploy <stack>... | --all [--verbose] [-- <cdk options>]',
    '',
    `Checks with STS that the credentials belong to account ${project.aws.account} (packages/config), then runs`,
    '`cdk diff` (all stacks unless named) or `cdk deploy`. With CI=true deploy passes --require-approval never.',
    '--no-change-set diffs against the deployed template only; the read-only pull-request role needs it.',
    '--verbose (or DEBUG=1) passes --verbose to cdk and shows stack traces of errors.',
    `A deploy writes the stack outputs to packages/infra/${OUTPUTS_FILE} and prints them (endpoint URLs).`,
    '',
    `Stacks: ${STACK_NAMES.join(', ')}`,
    "Exit codes: the CDK CLI's; 1 when the account or the settings are wrong (nothing is run), 2 for a wrong command line.",
    '',
  ].join('\n');
}

interface Parsed {
  command: 'diff' | 'deploy';
  stacks: string[];
  all: boolean;
  help: boolean;
  noChangeSet: boolean;
  verbose: boolean;
  passthrough: string[];
}

const OPTIONS = ['--all', '--no-change-set', VERBOSE_FLAG, '--help'];

function parse(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h')
    return { command: 'diff', stacks: [], all: false, help: true, noChangeSet: false, verbose: false, passthrough: [] };
  if (command === undefined)
    throw new UsageError(
      'infra: no command given; the commands are diff and deploy (pnpm infra:diff, pnpm infra:deploy)',
    );
  if (command !== 'diff' && command !== 'deploy') {
    throw new UsageError(
      `infra: unknown command ${JSON.stringify(command)}; the commands are diff and deploy (pnpm infra:diff, pnpm infra:deploy)`,
    );
  }
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
        verbose: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `infra:${command}: ${describeParseError(error, OPTIONS)}; CDK options go after --, e.g. pnpm infra:${command} ${stageStackName(project, 'staging')} -- --context key=value`,
    );
  }
  const stacks = parsed.positionals;
  const unknown = stacks.filter((s) => !STACK_NAMES.includes(s));
  if (unknown.length > 0)
    throw new UsageError(`unknown stack ${unknown.join(', ')}; the stacks are: ${STACK_NAMES.join(', ')}`);
  const all = parsed.values.all === true;
  const help = parsed.values.help === true;
  if (!help && command === 'deploy' && stacks.length === 0 && !all) {
    throw new UsageError(
      `infra:deploy: no stack given; name the stacks to deploy (${STACK_NAMES.join(', ')}) or pass --all`,
    );
  }
  if (command === 'deploy' && stacks.length > 0 && all) {
    throw new UsageError(`infra:deploy: ${stacks.join(', ')} and --all: name stacks or pass --all, not both`);
  }
  const noChangeSet = parsed.values['no-change-set'] === true;
  if (noChangeSet && command !== 'diff') throw new UsageError('--no-change-set goes with infra:diff only');
  return { command, stacks, all, help, noChangeSet, verbose: parsed.values.verbose === true, passthrough };
}

function cdkArgs(p: Parsed, env: InfraDeps['env'], outputsFile: string): string[] {
  const selection = [...(p.all ? ['--all'] : p.stacks), ...(p.verbose ? [VERBOSE_FLAG] : [])];
  // Without a change set, diff needs only the bootstrap lookup role: the pull-request role's mode.
  if (p.command === 'diff')
    return ['diff', ...selection, ...(p.noChangeSet ? ['--no-change-set'] : []), ...p.passthrough];
  const ci = env.CI === 'true' || env.GITHUB_ACTIONS === 'true';
  // A pipeline has nobody to answer the approval prompt; a person at a terminal still gets it.
  return [
    'deploy',
    ...selection,
    '--outputs-file',
    outputsFile,
    ...(ci ? ['--require-approval', 'never'] : []),
    ...p.passthrough,
  ];
}

export async function runInfraCommand(argv: readonly string[], deps: InfraDeps): Promise<number> {
  try {
    const parsed = parse(argv);
    if (parsed.help) {
      deps.stdout.write(infraHelp());
      return EXIT.ok;
    }
    await checkAccount(deps.sts());
    const outputsFile = resolve(deps.packageDir, OUTPUTS_FILE);
    const code = await deps.runCdk(cdkArgs(parsed, deps.env, outputsFile));
    if (parsed.command === 'deploy' && code === 0) {
      let outputs: StackOutputs;
      try {
        outputs = JSON.parse(await deps.readFile(outputsFile)) as StackOutputs;
      } catch (error) {
        throw new CliError(
          `deployed, but cannot read the stack outputs from ${outputsFile}: ${(error as Error).message}`,
        );
      }
      deps.stdout.write(`\nStack outputs (also in ${outputsFile}):\n${formatStackOutputs(outputs)}`);
    }
    return code;
  } catch (error) {
    const report = reportError(error, wantsVerbose(argv, deps.env));
    deps.stderr.write(report.text);
    return report.exitCode;
  }
}
