// The stage's public URL, read from its stack's EndpointUrl output.
import type { StageName } from '@hello/config/define-project';
import { STAGE_OUTPUTS, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { AwsSession } from './aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';
import { readStageOutputs } from './stage-outputs.ts';

export async function stageEndpoint(session: AwsSession, stage: StageName): Promise<string> {
  const value = (await readStageOutputs(session, stage))[STAGE_OUTPUTS.endpointUrl];
  if (value === undefined || value === '') {
    const stack = stageStackName(project, stage);
    throw new CliError(
      `the stack ${stack} has no ${STAGE_OUTPUTS.endpointUrl} output: deploy the current version of it (pnpm infra:deploy ${stack}) or pass --url`,
    );
  }
  return value;
}
