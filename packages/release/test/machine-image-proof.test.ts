// The image check of a promotion: the stage before boots exactly the image the release pins.
import t from 'tap';
import { project } from '@hello/config/project';
import { openSession } from '../src/aws-session.ts';
import { proveStageRunsPinnedImage } from '../src/machine-image-proof.ts';
import type * as MachineImageProof from '../src/machine-image-proof.ts';
import { mockAws, testDeps } from './release-test-deps.ts';
import { stageBoots } from './stage-fixtures.ts';

const refusal = 'refusing to promote abc123 to prod';
const { arm64, x86_64 } = project.machineImages!.images;

t.test('the image pinned for the architecture the stage boots passes, naming the release', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  for (const image of [arm64, x86_64]) {
    stageBoots(aws, 'staging', `${image.id} ${image.name}`);
    const line = await proveStageRunsPinnedImage(await openSession(testDeps()), 'staging', refusal);
    t.equal(
      line,
      `staging boots ${image.id} (${image.name}), the image this release pins: the next stage takes Amazon Linux ${image.name.replace(/-(arm64|x86_64)$/, '')} too`,
    );
  }
});

t.test('another image, none pinned, or no output: refused with what to deploy first', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  for (const running of [
    `ami-0123456789abcdef0 ${arm64.name.replace('20990101', '20990202')}`,
    `${x86_64.id} ${arm64.name}`,
    'unpinned',
  ]) {
    stageBoots(aws, 'staging', running);
    await t.rejects(proveStageRunsPinnedImage(await openSession(testDeps()), 'staging', refusal), {
      message: `${refusal}: staging boots ${running} (hello-staging's MachineImage output), not the Amazon Linux al2023-ami-2023.0.20990101.0-kernel-6.1 image this release pins; the next stage would take an image staging never ran. Deploy this release's stack to staging first (the pipeline's staging job does)`,
    });
  }
  aws.cloudFormation.reset();
  aws.cloudFormation.resolves({
    Stacks: [{ StackName: 'hello-staging', CreationTime: new Date(0), StackStatus: 'CREATE_COMPLETE' }],
  });
  await t.rejects(proveStageRunsPinnedImage(await openSession(testDeps()), 'staging', refusal), {
    message: /staging boots nothing \(no output\)/,
  });
});

t.test('a release that pins no image cannot be promoted', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const { proveStageRunsPinnedImage: prove } = await t.mockImport<typeof MachineImageProof>(
    '../src/machine-image-proof.ts',
    { '@hello/config/project': { project: { ...project, machineImages: undefined } } },
  );
  await t.rejects(prove(await openSession(testDeps()), 'staging', refusal), {
    message: `${refusal}: no Amazon Linux image is pinned (packages/config/src/machine-images.json): run \`pnpm ami:update\`, merge it and let the pipeline deploy it`,
  });
});
