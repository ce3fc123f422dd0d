// The stage's public URL, read from its stack's EndpointUrl output.
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { StageName } from '@hello/config/define-project';
import { STAGE_OUTPUTS, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { AwsSession } from './aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';

export async function stageEndpoint(session: AwsSession, stage: StageName): Promise<string> {
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
  const value = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === STAGE_OUTPUTS.endpointUrl)?.OutputValue;
  if (value === undefined || value === '') {
    throw new CliError(
      `the stack ${stack} has no ${STAGE_OUTPUTS.endpointUrl} output: deploy the current version of it (pnpm infra:deploy ${stack}) or pass --url`,
    );
  }
  return value;
}
