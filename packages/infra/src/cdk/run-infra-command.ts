// `pnpm infra:diff` / `pnpm infra:deploy` / `pnpm infra:destroy`: the CDK CLI, but only with
// credentials of the configured account; the stack outputs printed after a deploy; a teardown that
// deletes stacks in an order that works.
import { resolve } from 'node:path';
import type { STSClient } from '@aws-sdk/client-sts';
import { project } from '@hello/config/project';
import { checkAccount } from '@hello/cli-kit/aws/check-account';
import { CliError, EXIT } from '@hello/cli-kit/cli-error';
import { reportError, VERBOSE_FLAG, wantsVerbose } from '@hello/cli-kit/report-error';
import { destroyStacks, type DestroyDeps } from './destroy-stacks.ts';
import { infraHelp, OUTPUTS_FILE, parseInfraArgs, type InfraArgs, type KnownStacks } from './parse-infra-args.ts';
import { formatStackOutputs, type StackOutputs } from './print-stack-outputs.ts';
import { appStackNames, projectStacks } from './project-stacks.ts';

export interface InfraDeps extends Omit<DestroyDeps, 'account' | 'region'> {
  readonly sts: () => STSClient;
  readonly readFile: (path: string) => Promise<string>;
  readonly stderr: { write(text: string): unknown };
  /** packages/infra: where cdk.json is and where the outputs file goes. */
  readonly packageDir: string;
}

export { OUTPUTS_FILE };

const STACKS = projectStacks(project);

export const KNOWN_STACKS: KnownStacks = {
  app: appStackNames(project),
  bootstrap: STACKS.filter((s) => s.kind === 'bootstrap').map((s) => s.name),
  account: project.aws.account,
};

function cdkArgs(p: InfraArgs, env: InfraDeps['env'], outputsFile: string): string[] {
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

async function printOutputs(deps: InfraDeps, outputsFile: string): Promise<void> {
  let outputs: StackOutputs;
  try {
    outputs = JSON.parse(await deps.readFile(outputsFile)) as StackOutputs;
  } catch (error) {
    throw new CliError(`deployed, but cannot read the stack outputs from ${outputsFile}: ${(error as Error).message}`);
  }
  deps.stdout.write(`\nStack outputs (also in ${outputsFile}):\n${formatStackOutputs(outputs)}`);
}

export async function runInfraCommand(argv: readonly string[], deps: InfraDeps): Promise<number> {
  try {
    const parsed = parseInfraArgs(argv, KNOWN_STACKS);
    if (parsed.help) {
      deps.stdout.write(infraHelp(KNOWN_STACKS));
      return EXIT.ok;
    }
    await checkAccount(deps.sts());
    if (parsed.command === 'destroy') {
      return await destroyStacks(parsed, STACKS, { ...deps, account: project.aws.account, region: project.aws.region });
    }
    const outputsFile = resolve(deps.packageDir, OUTPUTS_FILE);
    const code = await deps.runCdk(cdkArgs(parsed, deps.env, outputsFile));
    if (parsed.command === 'deploy' && code === 0) await printOutputs(deps, outputsFile);
    return code;
  } catch (error) {
    const report = reportError(error, wantsVerbose(argv, deps.env));
    deps.stderr.write(report.text);
    return report.exitCode;
  }
}
