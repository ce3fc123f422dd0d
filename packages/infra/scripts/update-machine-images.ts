// `pnpm ami:update`: pins the latest Amazon Linux 2023 image of each architecture, read from AWS's
// public parameters with the AWS CLI, in packages/config/src/machine-images.json. The change then
// goes through a pull request like any other: its diff is the fleet's replacement.
// The scheduled workflow (.github/workflows/machine-images.yml) makes the two AWS calls in a job
// with credentials and hands their output to this script in a job without: --parameters, --images.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  MACHINE_ARCHITECTURES,
  imageRelease,
  machineImageProblems,
  type MachineArchitecture,
  type MachineImageSettings,
  type ProjectSettings,
} from '@hello/config/define-project';
import { latestAl2023Parameter, machineImagesFrom } from '@hello/config/machine-images';
import { machineImagesRoleName } from '@hello/config/naming';

/** The file the settings read (project.ts imports it). */
export const MACHINE_IMAGES_FILE = fileURLToPath(new URL('../../config/src/machine-images.json', import.meta.url));

export interface UpdateMachineImagesDeps {
  readonly project: Pick<ProjectSettings, 'name' | 'aws' | 'github'>;
  /** Runs a command and captures its output; status null when it could not start. */
  readonly run: (command: string, args: readonly string[]) => { status: number | null; stdout: string; stderr: string };
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
  readonly log: (line: string) => void;
  /** Where relative --parameters/--images paths start: where the person ran pnpm. */
  readonly cwd: string;
  readonly file: string;
}

/** A failure the script reports in one line, without a stack trace. */
export class UpdateMachineImagesError extends Error {}

interface ParametersOutput {
  readonly Parameters?: readonly { readonly Name?: string; readonly Value?: string }[];
}
interface ImagesOutput {
  readonly Images?: readonly {
    readonly ImageId?: string;
    readonly Name?: string;
    readonly CreationDate?: string;
    readonly Architecture?: string;
  }[];
}

/**
 * The images named by `aws ssm get-parameters` (the public AL2023 parameters) as `aws ec2
 * describe-images` describes them, checked like the settings check them.
 */
function imageIdOf(parameters: ParametersOutput, arch: MachineArchitecture): string {
  const name = latestAl2023Parameter(arch);
  const id = parameters.Parameters?.find((p) => p.Name === name)?.Value;
  if (id === undefined) throw new UpdateMachineImagesError(`AWS returned no value for the parameter ${name}`);
  return id;
}

export function pinnedImages(parameters: ParametersOutput, images: ImagesOutput, region: string): MachineImageSettings {
  const pinned = Object.fromEntries(
    MACHINE_ARCHITECTURES.map((arch) => {
      const id = imageIdOf(parameters, arch);
      const image = images.Images?.find((i) => i.ImageId === id);
      if (image?.Name === undefined || image.CreationDate === undefined || image.Architecture !== arch) {
        throw new UpdateMachineImagesError(
          `${latestAl2023Parameter(arch)} names ${id}, which describe-images did not return as an ${arch} image of Amazon's: ${JSON.stringify(image ?? null)}`,
        );
      }
      return [arch, { id, name: image.Name, created: image.CreationDate }];
    }),
  ) as MachineImageSettings['images'];
  const settings: MachineImageSettings = { region, images: pinned };
  const problems = machineImageProblems(settings, region);
  if (problems.length > 0) throw new UpdateMachineImagesError(`not pinned: ${problems.join('; ')}`);
  return settings;
}

function aws(deps: UpdateMachineImagesDeps, args: readonly string[]): unknown {
  const result = deps.run('aws', [...args, '--region', deps.project.aws.region, '--output', 'json']);
  if (result.status === null) {
    throw new UpdateMachineImagesError(
      'the AWS CLI (aws) is not installed; install it (docs.aws.amazon.com/cli) or let the machine-images workflow run',
    );
  }
  if (result.status !== 0) {
    throw new UpdateMachineImagesError(
      `aws ${args.slice(0, 2).join(' ')} failed (exit ${result.status}): ${result.stderr.trim().replace(/\.$/, '')}. Sign in to account ${deps.project.aws.account} first (aws sso login, AWS_PROFILE=...)`,
    );
  }
  return JSON.parse(result.stdout);
}

function readJson(deps: UpdateMachineImagesDeps, path: string): unknown {
  return JSON.parse(deps.readFile(resolve(deps.cwd, path)));
}

/** Exit code: 0 when the file is up to date or was updated, 1 on a failure (printed). */
export function updateMachineImages(argv: readonly string[], deps: UpdateMachineImagesDeps): number {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { names: { type: 'boolean' }, parameters: { type: 'string' }, images: { type: 'string' } },
    });
    const { project } = deps;
    const parameterNames = MACHINE_ARCHITECTURES.map(latestAl2023Parameter);
    if (values.names === true) {
      // For the workflow's $GITHUB_OUTPUT: what the job with credentials needs, no AWS call.
      deps.log(`role-arn=arn:aws:iam::${project.aws.account}:role/${machineImagesRoleName(project)}`);
      deps.log(`region=${project.aws.region}`);
      deps.log(`parameters=${parameterNames.join(' ')}`);
      return 0;
    }
    if ((values.parameters === undefined) !== (values.images === undefined)) {
      throw new UpdateMachineImagesError(
        '--parameters and --images go together: the saved outputs of aws ssm get-parameters and aws ec2 describe-images',
      );
    }
    let parameters: ParametersOutput;
    let images: ImagesOutput;
    if (values.parameters !== undefined && values.images !== undefined) {
      parameters = readJson(deps, values.parameters) as ParametersOutput;
      images = readJson(deps, values.images) as ImagesOutput;
    } else {
      parameters = aws(deps, ['ssm', 'get-parameters', '--names', ...parameterNames]) as ParametersOutput;
      const ids = MACHINE_ARCHITECTURES.map((arch) => imageIdOf(parameters, arch));
      images = aws(deps, ['ec2', 'describe-images', '--owners', 'amazon', '--image-ids', ...ids]) as ImagesOutput;
    }
    const next = pinnedImages(parameters, images, project.aws.region);
    const before = machineImagesFrom(JSON.parse(deps.readFile(deps.file)));
    const release = imageRelease(next.images.arm64.name);
    if (JSON.stringify(before) === JSON.stringify(next)) {
      deps.log(`already pinned: ${release} in ${next.region}; nothing changed`);
      return 0;
    }
    deps.writeFile(deps.file, `${JSON.stringify(next, null, 2)}\n`);
    const was = before === undefined ? 'nothing was pinned' : `was ${imageRelease(before.images.arm64.name)}`;
    deps.log(`pinned ${release} in ${next.region} (${was}):`);
    for (const arch of MACHINE_ARCHITECTURES) {
      deps.log(`  ${arch}  ${next.images[arch].id}  ${next.images[arch].name}  ${next.images[arch].created}`);
    }
    deps.log('Commit packages/config/src/machine-images.json in a pull request; merging it replaces the hosts.');
    return 0;
  } catch (error) {
    // Ours, a bad command line (parseArgs), a file that is not JSON or cannot be read: one line each.
    const code = (error as { code?: unknown }).code;
    const expected =
      error instanceof UpdateMachineImagesError || error instanceof SyntaxError || typeof code === 'string';
    if (!expected) throw error;
    deps.log(`error: ${(error as Error).message}`);
    return 1;
  }
}

/* c8 ignore start -- the command-line entry, exercised by `pnpm ami:update` itself */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { project } = await import('@hello/config/project');
  process.exitCode = updateMachineImages(process.argv.slice(2), {
    project,
    run: (command, args) => {
      const r = spawnSync(command, args, { encoding: 'utf8' });
      return { status: r.error === undefined ? r.status : null, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text),
    log: (line) => console.log(line),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    file: MACHINE_IMAGES_FILE,
  });
}
/* c8 ignore stop */
