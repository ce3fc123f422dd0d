// `publish`: upload a release bundle once, with its SHA-256, and never replace it with other bytes.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { releaseKey } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { openSession, type AwsSession } from '../aws-session.ts';
import { CliError, EXIT, UsageError } from '@hello/cli-kit/cli-error';
import { requireString, type Command } from '../command.ts';
import { parseVersion } from '../parse-values.ts';
import { assertArtifactBucket, findReleaseObject } from '../release-object.ts';
import type { ReleaseDeps } from '../release-deps.ts';

async function readBundle(deps: ReleaseDeps, file: string): Promise<Buffer> {
  const path = resolve(deps.cwd, file);
  let bytes: Buffer;
  try {
    bytes = await deps.readFile(path);
  } catch (error) {
    throw new UsageError(
      `--file ${file}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); build it with \`pnpm package\``,
    );
  }
  if (bytes.length === 0)
    throw new UsageError(`--file ${file}: ${path} is empty; expected the release zip from \`pnpm package\``);
  return bytes;
}

/** Same bytes already there: nothing to do. Other bytes: refuse, a version is immutable. */
async function compareExisting(
  session: AwsSession,
  deps: ReleaseDeps,
  version: string,
  sha256: string,
): Promise<boolean> {
  const existing = await findReleaseObject(session, version);
  if (existing === undefined) return false;
  const where = `s3://${existing.bucket}/${existing.key}`;
  if (existing.sha256 !== sha256) {
    throw new CliError(
      `checksum conflict: ${where} already holds a different file (sha256 ${existing.sha256 ?? 'unknown'}, yours ${sha256}). ` +
        'A published version is never replaced: publish the bundle built from that commit, or use a new version.',
    );
  }
  deps.stdout.write(
    `already published: ${where} (object version ${existing.versionId ?? 'none'}) has the same sha256 ${sha256}; nothing uploaded\n`,
  );
  return true;
}

export const publishCommand: Command = {
  name: 'publish',
  summary: 'Upload a release bundle to the artifact bucket (once per version)',
  usage: 'publish --version <sha> --file <zip>',
  details: [
    'Uploads the bundle to s3://<artifact bucket>/releases/<sha>.zip with its SHA-256 checksum, which',
    'S3 verifies. Idempotent: when that version already holds the same bytes, nothing is uploaded.',
    'A different file for an existing version is refused (exit 1): staging and prod must run the',
    'same bytes. Prints the S3 object version id that deploy and promote pin.',
  ].join('\n'),
  examples: [
    'pnpm release publish --version "$(git rev-parse HEAD)" --file "apps/hello/artifacts/hello-$(git rev-parse HEAD).zip"',
  ],
  options: {
    version: { type: 'string', value: '<sha>', description: 'release version, normally the git commit sha' },
    file: { type: 'string', value: '<zip>', description: 'the CodeDeploy bundle built by `pnpm package`' },
  },
  async run(args, deps) {
    const version = parseVersion(requireString(this, args, 'version'));
    const bytes = await readBundle(deps, requireString(this, args, 'file'));
    const digest = createHash('sha256').update(bytes).digest();
    const sha256 = digest.toString('hex');
    const session = await openSession(deps);
    const bucket = await assertArtifactBucket(session);
    if (await compareExisting(session, deps, version, sha256)) return EXIT.ok;
    const key = releaseKey(version);
    let put;
    try {
      put = await session.clients.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentType: 'application/zip',
          ChecksumSHA256: digest.toString('base64'),
          Metadata: { sha256, version },
          // Two publishers racing for one version: the second gets 412 and compares instead.
          IfNoneMatch: '*',
          ExpectedBucketOwner: project.aws.account,
        }),
      );
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (
        (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict') &&
        (await compareExisting(session, deps, version, sha256))
      )
        return EXIT.ok;
      throw session.explain(error, 's3:PutObject', `s3://${bucket}/${key}`);
    }
    deps.stdout.write(
      `published s3://${bucket}/${key} (object version ${put.VersionId ?? 'none'}, sha256 ${sha256}, ${bytes.length} bytes)\n`,
    );
    return EXIT.ok;
  },
};
