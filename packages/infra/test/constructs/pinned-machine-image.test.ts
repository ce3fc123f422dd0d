// Without a pinned image the template still synthesizes, but CloudFormation refuses it; with one,
// the instance type's architecture picks it.
import t from 'tap';
import { Template } from 'aws-cdk-lib/assertions';
import { PinnedMachineImage } from '../../src/constructs/pinned-machine-image.ts';
import { scratchStack } from '../helpers/scratch-stack.ts';

t.test('nothing pinned: a rule fails every create and update, naming the command that pins one', async (t) => {
  const stack = scratchStack();
  const image = new PinnedMachineImage(stack, 'Image', { instanceType: 't4g.small', images: undefined });
  t.equal(image.machineImage, undefined);
  t.equal(image.description, 'unpinned');
  const rules = Object.values((Template.fromStack(stack).toJSON() as { Rules: object }).Rules) as {
    Assertions: { Assert: { 'Fn::Contains': [string[], string] }; AssertDescription: string }[];
  }[];
  const pinned = rules.find((r) => r.Assertions[0]?.AssertDescription.startsWith('No Amazon Linux image'));
  const [list, value] = pinned!.Assertions[0]!.Assert['Fn::Contains'];
  // An assertion that can never hold: CloudFormation checks it before changing anything.
  t.notOk(list.includes(value));
  t.match(pinned!.Assertions[0]!.AssertDescription, 'run pnpm ami:update');
});

t.test("the instance type's architecture picks the image", async (t) => {
  const images = {
    region: 'us-east-1',
    images: {
      arm64: { id: 'ami-0abcdef1234567890', name: 'arm', created: '2099-01-01T00:00:00.000Z' },
      x86_64: { id: 'ami-0fedcba0987654321', name: 'x86', created: '2099-01-01T00:00:00.000Z' },
    },
  };
  for (const [instanceType, arch] of [
    ['t4g.small', 'arm64'],
    ['c7gn.large', 'arm64'],
    ['t3.small', 'x86_64'],
    ['m7i-flex.large', 'x86_64'],
  ] as const) {
    const stack = scratchStack();
    const image = new PinnedMachineImage(stack, 'Image', { instanceType, images });
    t.equal(image.architecture, arch, instanceType);
    t.equal(image.machineImage?.getImage(stack).imageId, images.images[arch].id, instanceType);
  }
});
