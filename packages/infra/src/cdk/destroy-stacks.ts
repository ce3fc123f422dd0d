// `pnpm infra:destroy`: deletes the named stacks in teardown order, after the account check, and
// only when no stack that stays behind still needs one of them (deleting the foundation under a
// stage would fail halfway, with its policies still attached to the stage's roles).
import {
  DeleteStackCommand,
  DescribeStacksCommand,
  waitUntilStackDeleteComplete,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { CliError, EXIT, UsageError } from '@hello/cli-kit/cli-error';
import { VERBOSE_FLAG } from '@hello/cli-kit/report-error';
import type { InfraArgs } from './parse-infra-args.ts';
import type { ProjectStack } from './project-stacks.ts';

export interface DestroyDeps {
  readonly cloudFormation: () => CloudFormationClient;
  readonly runCdk: (args: readonly string[]) => Promise<number>;
  /** Asks a yes/no question on the terminal; undefined when there is no terminal to ask on. */
  readonly confirm: (question: string) => Promise<boolean> | undefined;
  readonly stdout: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the stacks live, for the question and the messages. */
  readonly account: string;
  readonly region: string;
  /** Longest wait for CloudFormation to delete a bootstrap stack. */
  readonly deleteWaitSeconds: number;
}

const awsMessage = (error: unknown): string => `${(error as Error).name}: ${(error as Error).message}`;

async function exists(cfn: CloudFormationClient, name: string): Promise<boolean> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return Stacks?.[0] !== undefined && Stacks[0].StackStatus !== 'DELETE_COMPLETE';
  } catch (error) {
    // CloudFormation's answer for a stack name it does not know (or one long deleted).
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) return false;
    throw new CliError(`cannot read the stack ${name} (cloudformation:DescribeStacks): ${awsMessage(error)}`);
  }
}

async function deleteBootstrapStack(cfn: CloudFormationClient, name: string, deps: DestroyDeps): Promise<void> {
  deps.stdout.write(`${name}: deleting (CloudFormation DeleteStack, up to ${deps.deleteWaitSeconds / 60} min)\n`);
  try {
    await cfn.send(new DeleteStackCommand({ StackName: name }));
    await waitUntilStackDeleteComplete({ client: cfn, maxWaitTime: deps.deleteWaitSeconds }, { StackName: name });
  } catch (error) {
    throw new CliError(
      `deleting ${name} did not complete (${awsMessage(error)}); its CloudFormation events name the resource: aws cloudformation describe-stack-events --stack-name ${name}`,
    );
  }
  deps.stdout.write(`${name}: deleted (what it retains is listed in docs/teardown.md)\n`);
}

export async function destroyStacks(
  args: InfraArgs,
  stacks: readonly ProjectStack[],
  deps: DestroyDeps,
): Promise<number> {
  const cfn = deps.cloudFormation();
  const named = stacks.filter((s) => args.stacks.includes(s.name));
  const staying = stacks.filter((s) => !args.stacks.includes(s.name));
  for (const stack of named) {
    const users: string[] = [];
    for (const other of staying.filter((s) => s.needs.includes(stack.name))) {
      if (await exists(cfn, other.name)) users.push(other.name);
    }
    if (users.length > 0) {
      throw new CliError(
        `infra:destroy: ${stack.name} is still needed by ${users.join(', ')}, which ${users.length === 1 ? 'exists' : 'exist'}; delete ${users.length === 1 ? 'it' : 'them'} first (pnpm infra:destroy ${users.join(' ')}). Nothing was deleted.`,
      );
    }
  }
  const present: ProjectStack[] = [];
  for (const stack of named) {
    if (await exists(cfn, stack.name)) present.push(stack);
    else
      deps.stdout.write(
        `${stack.name}: does not exist in account ${deps.account} (${deps.region}); nothing to delete\n`,
      );
  }
  if (present.length === 0) return EXIT.ok;
  const list = present.map((s) => s.name).join(', ');
  if (!args.force && deps.env.CI !== 'true') {
    const answer = deps.confirm(
      `Delete ${list} from account ${deps.account} (${deps.region}), in this order? Retained resources stay (docs/teardown.md). [y/N] `,
    );
    if (answer === undefined)
      throw new UsageError(`infra:destroy: no terminal to confirm on; pass --force to delete ${list}`);
    if (!(await answer)) {
      deps.stdout.write('Nothing was deleted.\n');
      return EXIT.failed;
    }
  }
  for (const stack of present) {
    if (stack.kind === 'bootstrap') {
      await deleteBootstrapStack(cfn, stack.name, deps);
      continue;
    }
    const code = await deps.runCdk([
      'destroy',
      stack.name,
      '--force',
      ...(args.verbose ? [VERBOSE_FLAG] : []),
      ...args.passthrough,
    ]);
    if (code !== 0) return code;
  }
  return EXIT.ok;
}
