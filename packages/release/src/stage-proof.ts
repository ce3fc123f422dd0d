// Proof that a stage ran a release successfully on every host, with the bytes S3 still holds: the
// condition for promoting it, or deploying it to the next stage.
import type { S3Location } from '@aws-sdk/client-codedeploy';
import type { StageName } from '@hello/config/define-project';
import { artifactBucketName, releaseKey } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { AwsSession } from './aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';
import { unsuccessfulHosts } from './describe-failure.ts';
import { readDeployment } from './read-deployment.ts';
import { proveStageRunsPinnedImage } from './machine-image-proof.ts';
import { findReleaseObject } from './release-object.ts';
import { describeLocation, lastSuccessfulDeployment, readDeploymentGroup } from './successful-revisions.ts';

export interface StageProof {
  readonly deploymentId: string;
  /** The object version the stage ran, which S3 still holds. */
  readonly location: S3Location & { bucket: string; key: string; version: string };
  /** One line per check made, for `promote --check` and the log. */
  readonly checks: readonly string[];
}

/**
 * `refusal` starts every error, e.g. `refusing to promote abc123 to prod`. Checks, in order: the
 * stage has a successful deployment and nothing was attempted after it; that deployment ran
 * releases/<version>.zip pinned to an object version; every host of it succeeded (CodeDeploy's
 * Succeeded allows failed hosts under AllAtOnce); S3 still holds that object version; the stage
 * boots the Amazon Linux image the release pins (the next stage deploys the release's stack).
 */
export async function proveStageRan(
  session: AwsSession,
  stage: StageName,
  version: string,
  refusal: string,
): Promise<StageProof> {
  const refuse = (why: string): CliError => new CliError(`${refusal}: ${why}`);
  const group = await readDeploymentGroup(session, stage);
  const last = await lastSuccessfulDeployment(session, group);
  if (last === undefined)
    throw refuse(`${stage} has no successful deployment yet; deploy ${version} to ${stage} first`);
  const attempted = group.lastAttemptedDeployment;
  if (attempted?.deploymentId !== undefined && attempted.deploymentId !== last.deploymentId) {
    throw refuse(
      `${stage}'s last deployment ${attempted.deploymentId} is ${attempted.status ?? 'Unknown'}, after its last successful one ${last.deploymentId}; its hosts may run something else. Deploy ${version} to ${stage} and let it succeed first`,
    );
  }
  const ran = last.revision?.s3Location;
  const bucket = artifactBucketName(project);
  const key = releaseKey(version);
  if (ran?.bucket !== bucket || ran.key !== key || ran.version === undefined) {
    throw refuse(
      `${stage}'s last successful deployment ${last.deploymentId} ran ${describeLocation(ran)}, not s3://${bucket}/${key} pinned to an object version; deploy ${version} to ${stage} and let it succeed first`,
    );
  }
  const snapshot = await readDeployment(session, last.deploymentId);
  const failed = unsuccessfulHosts(snapshot);
  if (failed.length > 0 || snapshot.hosts.length === 0) {
    const which = failed.map((h) => `${h.id} ${h.status}`).join(', ');
    throw refuse(
      `${stage}'s deployment ${last.deploymentId} of ${version} did not succeed on every host (${snapshot.hosts.length === 0 ? 'no host took part' : which}); CodeDeploy calls it Succeeded, the release rules do not. Fix it and deploy ${version} to ${stage} again`,
    );
  }
  const current = await findReleaseObject(session, version);
  if (current?.versionId !== ran.version) {
    throw refuse(
      `${stage} ran object version ${ran.version} of s3://${bucket}/${key}, but S3 now holds ${current?.versionId ?? 'no such object'}; the bytes changed since ${stage} tested them. Deploy to ${stage} again first`,
    );
  }
  const image = await proveStageRunsPinnedImage(session, stage, refusal);
  const location = { ...ran, bucket, key, version: ran.version };
  return {
    deploymentId: last.deploymentId,
    location,
    checks: [
      `${stage}'s last deployment ${last.deploymentId} is its last successful one`,
      `it ran ${describeLocation(location)}, release ${version}`,
      `it succeeded on every host: ${snapshot.hosts.map((h) => h.id).join(', ')}`,
      `S3 still holds object version ${ran.version} of s3://${bucket}/${key}`,
      image,
    ],
  };
}
