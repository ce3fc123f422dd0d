// Proof that a stage boots the Amazon Linux image this release pins for it, so the next stage,
// which deploys this release's stack, takes an image release the stage before it ran.
import { MACHINE_ARCHITECTURES, imageRelease, type StageName } from '@hello/config/define-project';
import { STAGE_OUTPUTS, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { AwsSession } from './aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';
import { readStageOutputs } from './stage-outputs.ts';

/**
 * One check line when `stage`'s stack output names the image pinned for its architecture in the
 * settings this CLI was built with; otherwise a CliError starting with `refusal`.
 */
export async function proveStageRunsPinnedImage(
  session: AwsSession,
  stage: StageName,
  refusal: string,
): Promise<string> {
  const refuse = (why: string): CliError => new CliError(`${refusal}: ${why}`);
  const pins = project.machineImages;
  if (pins === undefined) {
    throw refuse(
      'no Amazon Linux image is pinned (packages/config/src/machine-images.json): run `pnpm ami:update`, merge it and let the pipeline deploy it',
    );
  }
  const stack = stageStackName(project, stage);
  const running = (await readStageOutputs(session, stage))[STAGE_OUTPUTS.machineImage] ?? 'nothing (no output)';
  const [id, name = ''] = running.split(' ');
  const arch = MACHINE_ARCHITECTURES.find((a) => name.endsWith(`-${a}`));
  const pinned = arch === undefined ? undefined : pins.images[arch];
  if (pinned === undefined || pinned.id !== id || pinned.name !== name) {
    throw refuse(
      `${stage} boots ${running} (${stack}'s ${STAGE_OUTPUTS.machineImage} output), not the Amazon Linux ${imageRelease(pins.images.arm64.name)} image this release pins; the next stage would take an image ${stage} never ran. Deploy this release's stack to ${stage} first (the pipeline's ${stage} job does)`,
    );
  }
  return `${stage} boots ${id} (${name}), the image this release pins: the next stage takes Amazon Linux ${imageRelease(name)} too`;
}
