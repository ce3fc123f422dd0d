// The versioned S3 bucket every release zip is published to once and deployed from, stage by stage.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type CfnBucket,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ArtifactBucketProps {
  /** Globally unique bucket name (from @hello/config/naming artifactBucketName). */
  readonly bucketName: string;
  /**
   * Days an overwritten or deleted release zip is kept, so a rollback can still find it.
   * @default 90
   */
  readonly noncurrentVersionRetentionDays?: number;
}

/** The release artifact bucket: private, encrypted, TLS-only, versioned and kept when the stack is deleted. */
export class ArtifactBucket extends Construct {
  /** Logical id pinned so refactoring the construct tree never replaces (and empties) the bucket. */
  static readonly LOGICAL_ID = 'ArtifactBucket';

  readonly bucket: IBucket;
  /** The configured name as a plain string (bucket.bucketName is a token). */
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    const days = props.noncurrentVersionRetentionDays ?? 90;
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(
        `ArtifactBucket noncurrentVersionRetentionDays: ${days} is not allowed; expected a whole number of days >= 1`,
      );
    }
    const bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(days),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      // Kept on delete and replacement, but removed when the first create rolls back, so a retry can reuse the fixed name.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    (bucket.node.defaultChild as CfnBucket).overrideLogicalId(ArtifactBucket.LOGICAL_ID);
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the deploy roles write here and CloudTrail records who published what; access logs would need a second bucket per account for little gain.',
    });
    this.bucket = bucket;
    this.bucketName = props.bucketName;
  }
}
