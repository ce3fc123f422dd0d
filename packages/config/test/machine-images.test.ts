import t from 'tap';
import { latestAl2023Parameter, machineImagesFrom } from '../src/machine-images.ts';

t.test('{} means nothing is pinned yet; anything else must have the shape pnpm ami:update writes', async (t) => {
  t.equal(machineImagesFrom({}), undefined);
  const image = { id: 'ami-0abcdef1234567890', name: 'n', created: 'c' };
  const written = { region: 'eu-west-1', images: { arm64: image, x86_64: image } };
  t.equal(machineImagesFrom(written), written);
  for (const bad of [[], { region: 'eu-west-1' }, { region: 'eu-west-1', images: { arm64: image } }]) {
    t.throws(() => machineImagesFrom(bad), {
      message:
        /^packages\/config\/src\/machine-images\.json: .* is not allowed; expected \{\} \(nothing pinned yet\) or what `pnpm ami:update` writes/,
    });
  }
});

t.test("the public parameter of each architecture's latest Amazon Linux 2023", async (t) => {
  // AWS's documented names (Amazon Linux 2023 user guide, "Launch AL2023 using the SSM parameter").
  t.equal(latestAl2023Parameter('arm64'), '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64');
  t.equal(latestAl2023Parameter('x86_64'), '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
});
