// `deploy`: roll one published release, pinned to its S3 object version, onto a stage.
import { artifactBucketName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { checkAncestry, readAncestors } from '../ancestry.js';
import { openSession } from '../aws-session.js';
import { CliError } from '../cli-error.js';
import { requireString, type Command } from '../command.js';
import { DEPLOY_OPTIONS, deployRevision, deploySettings, deploymentDescription } from '../deploy-revision.js';
import { parseStage, parseVersion } from '../parse-values.js';
import { assertArtifactBucket, findReleaseObject } from '../release-object.js';
import { stageBefore } from '../stage-order.js';
import { proveStageRan } from '../stage-proof.js';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Deploy a published release to a stage and watch every host',
  usage: 'deploy --stage <stage> --version <sha> [--ancestors <file>] [--allow-older] [--skip-stage-order] [--no-watch]',
  details: [
    'Creates a CodeDeploy deployment of releases/<sha>.zip pinned to its current S3 object version',
    'and ETag, prints the deployment id and a console link, then watches it like `watch`. When a',
    'deployment is already running on the group it waits for it (bounded by --busy-timeout).',
    'A stage after the first refuses a version that has not succeeded on every host of the stage',
    'before it (unless --skip-stage-order). With --ancestors it refuses when the stage runs a',
    "version that is not in the file (unless --allow-older). The group's first deployment overrides",
    'its alarms. Exit 0 when every host succeeded, 1 when refused, failed or stopped, 3 on a bound.',
  ].join('\n'),
  examples: [
    'pnpm release deploy --stage staging --version "$(git rev-parse HEAD)"',
    'git rev-list HEAD > ancestors.txt && pnpm release deploy --stage staging --version "$(git rev-parse HEAD)" --ancestors ancestors.txt',
  ],
  options: {
    stage: { type: 'string', value: '<stage>', description: 'stage to deploy to (staging, prod)' },
    version: { type: 'string', value: '<sha>', description: 'a release published with `publish`' },
    ancestors: { type: 'string', value: '<file>', description: 'output of `git rev-list <sha>`: refuse to move the stage backwards or sideways' },
    'allow-older': { type: 'boolean', description: 'deploy even when the stage runs a version not in --ancestors (a deliberate rollback or redeploy)' },
    'skip-stage-order': { type: 'boolean', description: 'deploy even when the version has not succeeded in the stage before this one' },
    ...DEPLOY_OPTIONS,
  },
  async run(args, deps) {
    const stage = parseStage(requireString(this, args, 'stage'));
    const version = parseVersion(requireString(this, args, 'version'));
    const settings = deploySettings(args);
    const file = args.values.ancestors;
    const ancestors = typeof file === 'string' ? await readAncestors(deps, file, version) : undefined;
    const session = await openSession(deps);
    await assertArtifactBucket(session);
    const object = await findReleaseObject(session, version);
    if (object === undefined) {
      throw new CliError(`release ${version} is not published in s3://${artifactBucketName(project)}: run \`pnpm release publish --version ${version} --file <zip>\` first`);
    }
    if (object.versionId === undefined) {
      throw new CliError(`s3://${object.bucket}/${object.key} has no object version id: the artifact bucket must be versioned (the foundation stack does that)`);
    }
    const before = stageBefore(stage);
    if (before !== undefined && args.values['skip-stage-order'] === true) {
      deps.stdout.write(`stage order: not checking that ${version} succeeded in ${before} first (--skip-stage-order)\n`);
    } else if (before !== undefined) {
      const proof = await proveStageRan(session, before, version, `refusing to deploy ${version} to ${stage} (pass --skip-stage-order to deploy it anyway)`);
      deps.stdout.write(`stage order: ${before} ran ${version} successfully on every host in deployment ${proof.deploymentId}\n`);
    }
    if (ancestors !== undefined) await checkAncestry(deps, session, stage, version, ancestors, args.values['allow-older'] === true);
    return deployRevision(deps, session, settings, {
      stage,
      revision: { bucket: object.bucket, key: object.key, bundleType: 'zip', version: object.versionId, eTag: object.eTag },
      description: deploymentDescription(deps, session, `release ${version}`),
    });
  },
};
