// `pnpm ami:update` against a stand-in AWS CLI that answers in the shapes of the SSM GetParameters
// and EC2 DescribeImages API references (fields the script does not read left out); placeholder
// ids dated 2099, no real image.
import t from 'tap';
import { defineProject, type ProjectSettings } from '@hello/config/define-project';
import { latestAl2023Parameter } from '@hello/config/machine-images';
import { machineImagesRoleName } from '@hello/config/naming';
import { updateMachineImages, type UpdateMachineImagesDeps } from '../../scripts/update-machine-images.ts';
import { fixtureProject } from '../helpers/fixture-project.ts';

const project: ProjectSettings = defineProject({ ...fixtureProject, machineImages: undefined });
const { region } = project.aws;
const IDS = { arm64: 'ami-0abcdef1234567890', x86_64: 'ami-0fedcba0987654321' } as const;
const name = (arch: string, date = '20990101') => `al2023-ami-2023.0.${date}.0-kernel-6.1-${arch}`;

const parameters = {
  Parameters: (['arm64', 'x86_64'] as const).map((arch) => ({
    Name: latestAl2023Parameter(arch),
    Type: 'String',
    Value: IDS[arch],
    DataType: 'aws:ec2:image',
  })),
  InvalidParameters: [],
};
const images = (date = '20990101') => ({
  Images: (['arm64', 'x86_64'] as const).map((arch) => ({
    ImageId: IDS[arch],
    Name: name(arch, date),
    Architecture: arch,
    CreationDate: '2099-01-01T00:00:00.000Z',
    ImageOwnerAlias: 'amazon',
    State: 'available',
  })),
});

function deps(cli: (args: readonly string[]) => { status: number | null; stdout: string; stderr: string }) {
  const files = new Map<string, string>([['/repo/machine-images.json', '{}\n']]);
  const lines: string[] = [];
  const calls: string[][] = [];
  const d: UpdateMachineImagesDeps = {
    project,
    run: (command, args) => {
      calls.push([command, ...args]);
      return cli(args);
    },
    readFile: (path) => {
      const text = files.get(path);
      if (text === undefined)
        throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
    writeFile: (path, text) => void files.set(path, text),
    log: (line) => void lines.push(line),
    cwd: '/work',
    file: '/repo/machine-images.json',
  };
  return { d, files, lines, calls };
}
const answer = (body: unknown) => ({ status: 0, stdout: JSON.stringify(body), stderr: '' });
const awsCli = (args: readonly string[]) => answer(args[0] === 'ssm' ? parameters : images());

t.test('resolves both architectures through the AWS CLI and writes the file the settings read', async (t) => {
  const { d, files, lines, calls } = deps(awsCli);
  t.equal(updateMachineImages([], d), 0);
  // The public parameters first, then Amazon's own images by the ids they name, in the project's region.
  t.same(calls, [
    [
      'aws',
      'ssm',
      'get-parameters',
      '--names',
      latestAl2023Parameter('arm64'),
      latestAl2023Parameter('x86_64'),
      '--region',
      region,
      '--output',
      'json',
    ],
    [
      'aws',
      'ec2',
      'describe-images',
      '--owners',
      'amazon',
      '--image-ids',
      IDS.arm64,
      IDS.x86_64,
      '--region',
      region,
      '--output',
      'json',
    ],
  ]);
  const written = JSON.parse(files.get('/repo/machine-images.json')!) as unknown;
  t.same(written, {
    region,
    images: {
      arm64: { id: IDS.arm64, name: name('arm64'), created: '2099-01-01T00:00:00.000Z' },
      x86_64: { id: IDS.x86_64, name: name('x86_64'), created: '2099-01-01T00:00:00.000Z' },
    },
  });
  // The settings accept what it wrote.
  t.doesNotThrow(() => defineProject({ ...project, machineImages: written as ProjectSettings['machineImages'] }));
  t.match(lines[0], /^pinned al2023-ami-2023\.0\.20990101\.0-kernel-6\.1 in eu-central-1 \(nothing was pinned\):/);
  t.match(lines.at(-1), 'pull request');
  // A second run with the same answer changes nothing.
  lines.length = 0;
  t.equal(updateMachineImages([], d), 0);
  t.same(lines, [`already pinned: al2023-ami-2023.0.20990101.0-kernel-6.1 in ${region}; nothing changed`]);
});

t.test('a newer release replaces the pinned one and says which it was', async (t) => {
  const { d, files, lines } = deps(awsCli);
  t.equal(updateMachineImages([], d), 0);
  files.set('/work/p.json', JSON.stringify(parameters));
  files.set('/work/i.json', JSON.stringify(images('20990202')));
  lines.length = 0;
  t.equal(updateMachineImages(['--parameters', 'p.json', '--images', 'i.json'], d), 0);
  t.match(
    lines[0],
    'pinned al2023-ami-2023.0.20990202.0-kernel-6.1 in eu-central-1 (was al2023-ami-2023.0.20990101.0-kernel-6.1):',
  );
});

t.test("the workflow's two halves: names without credentials, then the saved outputs", async (t) => {
  const { d, files, lines } = deps(() => t.fail('no AWS call') as never);
  t.equal(updateMachineImages(['--names'], d), 0);
  t.same(lines, [
    `role-arn=arn:aws:iam::${project.aws.account}:role/${machineImagesRoleName(project)}`,
    `region=${region}`,
    `parameters=${latestAl2023Parameter('arm64')} ${latestAl2023Parameter('x86_64')}`,
  ]);
  files.set('/tmp/p.json', JSON.stringify(parameters));
  files.set('/work/i.json', JSON.stringify(images('20990202')));
  t.equal(updateMachineImages(['--parameters', '/tmp/p.json', '--images', 'i.json'], d), 0);
  t.match(files.get('/repo/machine-images.json'), name('arm64', '20990202'));
});

t.test('each failure is one line that says what to do, and leaves the file alone', async (t) => {
  const cases: [string, string[], Parameters<typeof deps>[0], RegExp][] = [
    ['no AWS CLI', [], () => ({ status: null, stdout: '', stderr: '' }), /the AWS CLI \(aws\) is not installed/],
    [
      'no credentials',
      [],
      () => ({ status: 253, stdout: '', stderr: 'Unable to locate credentials.\n' }),
      /aws ssm get-parameters failed \(exit 253\): Unable to locate credentials\. Sign in to account 210987654321/,
    ],
    [
      'a parameter without value',
      [],
      (args) =>
        answer(
          args[0] === 'ssm'
            ? {
                Parameters: [{ Name: latestAl2023Parameter('arm64') }],
                InvalidParameters: [latestAl2023Parameter('x86_64')],
              }
            : images(),
        ),
      /AWS returned no value for the parameter \/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-arm64/,
    ],
    [
      'an image of the wrong architecture',
      [],
      (args) =>
        answer(
          args[0] === 'ssm' ? parameters : { Images: images().Images.map((i) => ({ ...i, Architecture: 'x86_64' })) },
        ),
      /names ami-0abcdef1234567890, which describe-images did not return as an arm64 image/,
    ],
    [
      'an image describe-images does not know',
      [],
      (args) =>
        answer(args[0] === 'ssm' ? parameters : { Images: images().Images.filter((i) => i.Architecture !== 'arm64') }),
      /names ami-0abcdef1234567890, which describe-images did not return as an arm64 image of Amazon's: null/,
    ],
    [
      'images of two releases',
      [],
      (args) =>
        answer(
          args[0] === 'ssm'
            ? parameters
            : {
                Images: images().Images.map((i) =>
                  i.Architecture === 'arm64' ? { ...i, Name: name('arm64', '20990303') } : i,
                ),
              },
        ),
      /not pinned: machineImages\.images: .* one Amazon Linux release/,
    ],
    ['half of the saved outputs', ['--parameters', 'p.json'], awsCli, /--parameters and --images go together/],
    ['a missing file', ['--parameters', 'p.json', '--images', 'i.json'], awsCli, /ENOENT/],
    ['an unknown option', ['--region', 'x'], awsCli, /Unknown option '--region'/],
  ];
  for (const [label, argv, cli, message] of cases) {
    const { d, files, lines } = deps(cli);
    t.equal(updateMachineImages(argv, d), 1, label);
    t.match(lines, [message], label);
    t.equal(files.get('/repo/machine-images.json'), '{}\n', `${label}: file unchanged`);
  }
});

t.test('a bug is not dressed up as a user error', async (t) => {
  const { d } = deps(() => {
    throw new RangeError('a bug');
  });
  t.throws(() => updateMachineImages([], d), RangeError);
});
