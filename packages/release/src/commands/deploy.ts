// `deploy`: roll one published release, pinned to its S3 object version, onto a stage.
import { artifactBucketName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { openSession } from '../aws-session.js';
import { CliError } from '../cli-error.js';
import { requireString, type Command } from '../command.js';
import { DEPLOY_OPTIONS, deployRevision, deploySettings, deploymentDescription } from '../deploy-revision.js';
import { parseStage, parseVersion } from '../parse-values.js';
import { assertArtifactBucket, findReleaseObject } from '../release-object.js';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Deploy a published release to a stage and watch every host',
  usage: 'deploy --stage <stage> --version <sha> [--no-watch] [--timeout 30m]',
  details: [
    'Creates a CodeDeploy deployment of releases/<sha>.zip pinned to its current S3 object version',
    'and ETag, prints the deployment id and a console link, then watches it like `watch`. When a',
    'deployment is already running on the group it waits for it (bounded by --busy-timeout).',
    'Exit 0 when every host succeeded, 1 when it failed or was stopped, 3 when a bound ran out.',
  ].join('\n'),
  examples: ['pnpm release deploy --stage staging --version "$(git rev-parse HEAD)"'],
  options: {
    stage: { type: 'string', value: '<stage>', description: 'stage to deploy to (staging, prod)' },
    version: { type: 'string', value: '<sha>', description: 'a release published with `publish`' },
    ...DEPLOY_OPTIONS,
  },
  async run(args, deps) {
    const stage = parseStage(requireString(this, args, 'stage'));
    const version = parseVersion(requireString(this, args, 'version'));
    const settings = deploySettings(args);
    const session = await openSession(deps);
    await assertArtifactBucket(session);
    const object = await findReleaseObject(session, version);
    if (object === undefined) {
      throw new CliError(`release ${version} is not published in s3://${artifactBucketName(project)}: run \`pnpm release publish --version ${version} --file <zip>\` first`);
    }
    if (object.versionId === undefined) {
      throw new CliError(`s3://${object.bucket}/${object.key} has no object version id: the artifact bucket must be versioned (the foundation stack does that)`);
    }
    return deployRevision(deps, session, settings, {
      stage,
      revision: { bucket: object.bucket, key: object.key, bundleType: 'zip', version: object.versionId, eTag: object.eTag },
      description: deploymentDescription(deps, session, `release ${version}`),
    });
  },
};
