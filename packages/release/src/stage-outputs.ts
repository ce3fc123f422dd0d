// A stage stack's outputs (STAGE_OUTPUTS), read with DescribeStacks.
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { StageName } from '@hello/config/define-project';
import { stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { AwsSession } from './aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';

/** Output key to value; a stack that does not exist is a CliError that says how to create it. */
export async function readStageOutputs(
  session: AwsSession,
  stage: StageName,
): Promise<Record<string, string | undefined>> {
  const stack = stageStackName(project, stage);
  let out;
  try {
    out = await session.clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
  } catch (error) {
    // CloudFormation reports a missing stack as a ValidationError "Stack with id X does not exist".
    if ((error as { name?: string; message?: string }).message?.includes('does not exist') === true) {
      throw new CliError(
        `the stack ${stack} does not exist in ${project.aws.region}: deploy it first (pnpm infra:deploy ${stack})`,
      );
    }
    throw session.explain(error, 'cloudformation:DescribeStacks', stack);
  }
  const values: Record<string, string | undefined> = {};
  for (const o of out.Stacks?.[0]?.Outputs ?? []) values[String(o.OutputKey)] = o.OutputValue;
  return values;
}
