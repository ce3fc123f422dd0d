// `promote`: deploy to the next stage exactly the S3 object version the previous stage ran.
import { artifactBucketName, releaseKey } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { openSession } from '../aws-session.js';
import { CliError, UsageError } from '../cli-error.js';
import { requireString, type Command } from '../command.js';
import { DEPLOY_OPTIONS, deployRevision, deploySettings, deploymentDescription } from '../deploy-revision.js';
import { parseStage, parseVersion } from '../parse-values.js';
import { findReleaseObject } from '../release-object.js';
import { describeLocation, lastSuccessfulDeployment } from '../successful-revisions.js';

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Deploy to prod the exact object version staging last ran successfully',
  usage: 'promote --version <sha> --from staging --to prod [--no-watch]',
  details: [
    "Refuses (exit 1) unless --from's last successful deployment is releases/<sha>.zip in the",
    'artifact bucket, with the object version S3 holds now (so nobody replaced the bytes since).',
    'Then deploys that same bucket, key, object version and ETag to --to and watches it.',
  ].join('\n'),
  examples: ['pnpm release promote --version "$(git rev-parse HEAD)" --from staging --to prod'],
  options: {
    version: { type: 'string', value: '<sha>', description: 'the release staging ran' },
    from: { type: 'string', value: '<stage>', description: 'stage that proved the release', default: 'staging' },
    to: { type: 'string', value: '<stage>', description: 'stage to deploy it to', default: 'prod' },
    ...DEPLOY_OPTIONS,
  },
  async run(args, deps) {
    const version = parseVersion(requireString(this, args, 'version'));
    const from = parseStage(requireString(this, args, 'from'), '--from');
    const to = parseStage(requireString(this, args, 'to'), '--to');
    if (from === to) throw new UsageError(`promote: --from and --to are both ${from}; promote moves a release from one stage to another`);
    const settings = deploySettings(args);
    const session = await openSession(deps);
    const last = await lastSuccessfulDeployment(session, from);
    if (last === undefined) throw new CliError(`refusing to promote: ${from} has no successful deployment yet; deploy ${version} to ${from} first`);
    const ran = last.revision?.s3Location;
    const bucket = artifactBucketName(project);
    const key = releaseKey(version);
    if (ran?.bucket !== bucket || ran.key !== key || ran.version === undefined) {
      throw new CliError(
        `refusing to promote: ${from}'s last successful deployment ${last.deploymentId} ran ${describeLocation(ran)}, ` +
          `not s3://${bucket}/${key} pinned to an object version; deploy ${version} to ${from} and let it succeed first`,
      );
    }
    const current = await findReleaseObject(session, version);
    if (current?.versionId !== ran.version) {
      throw new CliError(
        `refusing to promote: ${from} ran object version ${ran.version} of s3://${bucket}/${key}, but S3 now holds ` +
          `${current?.versionId ?? 'no such object'}; the bytes changed since ${from} tested them. Deploy to ${from} again first.`,
      );
    }
    deps.stdout.write(`${from} last succeeded with ${describeLocation(ran)} in deployment ${last.deploymentId}; promoting it to ${to}\n`);
    return deployRevision(deps, session, settings, {
      stage: to,
      revision: { bucket, key, bundleType: ran.bundleType ?? 'zip', version: ran.version, eTag: ran.eTag },
      description: deploymentDescription(deps, session, `promote ${version} from ${from}`),
    });
  },
};
