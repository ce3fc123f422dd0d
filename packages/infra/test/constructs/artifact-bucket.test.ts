// ArtifactBucket's retention setting: the default is covered by the foundation stack tests.
import t from 'tap';
import { Template } from 'aws-cdk-lib/assertions';
import { ArtifactBucket } from '../../src/constructs/artifact-bucket.ts';
import { scratchStack } from '../helpers/scratch-stack.ts';

t.test('keeps old versions for the configured number of days', async (t) => {
  const stack = scratchStack();
  new ArtifactBucket(stack, 'A', { bucketName: 'b-123', noncurrentVersionRetentionDays: 30 });
  // Rollbacks can reach back as far as old versions are kept.
  t.doesNotThrow(() =>
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-old-versions',
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    }),
  );
});

t.test('rejects a retention that is not a positive whole number of days', async (t) => {
  for (const days of [0, 1.5]) {
    t.throws(() => new ArtifactBucket(scratchStack(), 'A', { bucketName: 'b', noncurrentVersionRetentionDays: days }), {
      message: `ArtifactBucket noncurrentVersionRetentionDays: ${days} is not allowed; expected a whole number of days >= 1`,
    });
  }
});
