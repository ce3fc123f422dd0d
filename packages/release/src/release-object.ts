// The published release in the artifact bucket: where it is, which object version, which bytes.
import { HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { artifactBucketName, foundationStackName, releaseKey } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { AwsSession } from './aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';

export interface ReleaseObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  /** Without quotes, as CodeDeploy's S3Location.eTag expects it. */
  readonly eTag: string | undefined;
  /** Hex SHA-256 of the bytes, when S3 or our metadata knows it. */
  readonly sha256: string | undefined;
  readonly size: number | undefined;
}

function notFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === 'NotFound' || e.name === 'NoSuchKey' || e.name === 'NoSuchBucket' || e.$metadata?.httpStatusCode === 404
  );
}

/** Fails with the stack to deploy when the artifact bucket is missing. */
export async function assertArtifactBucket(session: AwsSession): Promise<string> {
  const bucket = artifactBucketName(project);
  try {
    await session.clients.s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: project.aws.account }));
  } catch (error) {
    if (notFound(error)) {
      throw new CliError(
        `the artifact bucket ${bucket} does not exist in account ${project.aws.account}: deploy the foundation stack first (pnpm infra:deploy ${foundationStackName(project)})`,
      );
    }
    throw session.explain(error, 's3:ListBucket', `s3://${bucket}`);
  }
  return bucket;
}

function sha256Of(
  checksum: string | undefined,
  type: string | undefined,
  metadata: Record<string, string> | undefined,
): string | undefined {
  if (metadata?.sha256 !== undefined) return metadata.sha256;
  // A composite (multipart) checksum is a checksum of checksums, not of the file.
  if (checksum === undefined || type === 'COMPOSITE') return undefined;
  return Buffer.from(checksum, 'base64').toString('hex');
}

/** The release's current object version; undefined when it is not there. */
export async function findReleaseObject(session: AwsSession, version: string): Promise<ReleaseObject | undefined> {
  const bucket = artifactBucketName(project);
  const key = releaseKey(version);
  try {
    const head = await session.clients.s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: key,
        ExpectedBucketOwner: project.aws.account,
        ChecksumMode: 'ENABLED',
      }),
    );
    return {
      bucket,
      key,
      versionId: head.VersionId,
      eTag: head.ETag?.replaceAll('"', ''),
      sha256: sha256Of(head.ChecksumSHA256, head.ChecksumType, head.Metadata),
      size: head.ContentLength,
    };
  } catch (error) {
    if (notFound(error)) return undefined;
    throw session.explain(error, 's3:GetObject', `s3://${bucket}/${key}`);
  }
}
