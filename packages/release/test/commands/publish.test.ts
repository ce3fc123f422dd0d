import { createHash } from 'node:crypto';
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { artifactBucketName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { awsError, mockAws, testDeps } from '../release-test-deps.ts';

const BYTES = 'PK\u0003\u0004 release bundle';
const SHA = createHash('sha256').update(BYTES).digest();
const bucket = artifactBucketName(project);
const argv = ['publish', '--version', 'abc123', '--file', 'bundle.zip'];

t.test('uploads the bundle with its SHA-256, the bucket owner and a no-overwrite condition', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3.on(HeadObjectCommand).rejects(awsError('NotFound', 404));
  aws.s3.on(PutObjectCommand).resolves({ VersionId: 'v1' });
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 0);
  const [put] = aws.s3.commandCalls(PutObjectCommand);
  t.match(put?.args[0].input, {
    Bucket: bucket,
    Key: 'releases/abc123.zip',
    ChecksumSHA256: SHA.toString('base64'),
    Metadata: { sha256: SHA.toString('hex') },
    IfNoneMatch: '*',
    ExpectedBucketOwner: project.aws.account,
  });
  t.equal(aws.s3.commandCalls(HeadBucketCommand)[0]?.args[0].input.ExpectedBucketOwner, project.aws.account);
  t.equal(aws.s3.commandCalls(HeadObjectCommand)[0]?.args[0].input.ExpectedBucketOwner, project.aws.account);
  t.match(deps.out(), `published s3://${bucket}/releases/abc123.zip (object version v1, sha256 ${SHA.toString('hex')}`);
  aws.s3.on(PutObjectCommand).resolves({});
  const unversioned = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, unversioned), 0);
  t.match(unversioned.out(), '(object version none, sha256');
});

t.test('is idempotent: the same bytes already there are not uploaded again', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3
    .on(HeadObjectCommand)
    .resolves({ VersionId: 'v1', ChecksumSHA256: SHA.toString('base64'), ChecksumType: 'FULL_OBJECT' });
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 0);
  t.equal(aws.s3.commandCalls(PutObjectCommand).length, 0);
  t.match(deps.out(), /already published: .* same sha256 .*nothing uploaded/);
  aws.s3.on(HeadObjectCommand).resolves({ Metadata: { sha256: SHA.toString('hex') } });
  const unversioned = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, unversioned), 0);
  t.match(unversioned.out(), '(object version none)');
});

t.test('refuses a different file for a published version (checksum conflict)', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v1', Metadata: { sha256: 'f'.repeat(64) } });
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 1);
  t.equal(aws.s3.commandCalls(PutObjectCommand).length, 0);
  t.match(
    deps.err(),
    `checksum conflict: s3://${bucket}/releases/abc123.zip already holds a different file (sha256 ${'f'.repeat(64)}, yours ${SHA.toString('hex')})`,
  );
});

t.test('an object without a checksum cannot be proven equal: refused', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3.on(HeadObjectCommand).resolves({ ChecksumSHA256: 'AAAA-2', ChecksumType: 'COMPOSITE' });
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), 'sha256 unknown');
});

t.test('a racing publisher of the same bytes (412) counts as published', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3
    .on(HeadObjectCommand)
    .rejectsOnce(awsError('NotFound', 404))
    .resolves({ VersionId: 'v9', Metadata: { sha256: SHA.toString('hex') } });
  aws.s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 0);
  t.match(deps.out(), 'object version v9');
});

t.test('a failed upload names the action and the object', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3.on(HeadObjectCommand).rejects(awsError('NotFound', 404));
  aws.s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 403));
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), `access denied: role hello-github-deploy-staging`);
  t.match(deps.err(), `may not s3:PutObject on s3://${bucket}/releases/abc123.zip`);
});

t.test('a missing bucket names the foundation stack to deploy', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 1);
  t.match(
    deps.err(),
    `the artifact bucket ${bucket} does not exist in account ${project.aws.account}: deploy the foundation stack first (pnpm infra:deploy hello-foundation)`,
  );
  t.equal(aws.s3.commandCalls(PutObjectCommand).length, 0);
});

t.test('reading the object can be denied too', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3.on(HeadObjectCommand).rejects(awsError('Forbidden', 403));
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), `may not s3:GetObject on s3://${bucket}/releases/abc123.zip`);
});

t.test('a bucket owned by someone else is access denied, never written', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.s3.on(HeadBucketCommand).rejects(awsError('403', 403));
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), `may not s3:ListBucket on s3://${bucket}`);
});

t.test('the wrong account is refused before anything is read or written', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  aws.sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/alice' });
  const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
  t.equal(await runRelease(argv, deps), 1);
  t.match(deps.err(), `wrong AWS account: expected ${project.aws.account}`);
  t.match(deps.err(), 'found 999999999999 (signed in as arn:aws:iam::999999999999:user/alice)');
  t.equal(aws.s3.calls().length, 0);
});

t.test('a missing or empty file is a usage error naming the path', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const missing = testDeps();
  t.equal(await runRelease(argv, missing), 2);
  t.match(missing.err(), '--file bundle.zip: cannot read /work/bundle.zip (ENOENT)');
  const empty = testDeps({ files: { '/work/bundle.zip': '' } });
  t.equal(await runRelease(argv, empty), 2);
  t.match(empty.err(), '/work/bundle.zip is empty');
  const odd = testDeps();
  const failing = { ...odd, readFile: () => Promise.reject(new Error('boom')) };
  t.equal(await runRelease(argv, failing), 2);
  t.match(odd.err(), 'cannot read /work/bundle.zip (Error: boom)');
  t.equal(aws.sts.calls().length, 0);
});

t.test('--version and --file are required and checked', async (t) => {
  const deps = testDeps();
  t.equal(await runRelease(['publish', '--file', 'x.zip'], deps), 2);
  t.match(deps.err(), '--version <sha> is required');
  t.equal(await runRelease(['publish', '--version', '../x', '--file', 'x.zip'], deps), 2);
  t.match(deps.err(), '--version "../x" is not a release version');
});
