// The AWS SDK clients of the release tooling: the project's region, patient retries, and otherwise
// the SDK's standard configuration (profiles, credentials, AWS_ENDPOINT_URL*) left as it is.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { project } from '@hello/config/project';
import { retrySettings } from '@hello/cli-kit/aws/retry-settings';

export interface AwsClients {
  readonly sts: STSClient;
  readonly s3: S3Client;
  readonly codeDeploy: CodeDeployClient;
  readonly cloudFormation: CloudFormationClient;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Custom endpoints (MinIO, LocalStack, a test server) rarely serve virtual-hosted buckets, and the
 * SDK only falls back to path-style addressing for IP addresses.
 */
export function usesCustomS3Endpoint(env: Env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
}

/** A note for stderr when the shell's region differs from the project's (the stacks live there). */
export function regionNote(env: Env): string | undefined {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === project.aws.region) return undefined;
  return `note: using the project's region ${project.aws.region} (packages/config/src/project.ts), not AWS_REGION=${region}`;
}

/**
 * One sign-in per run: each client would otherwise build and resolve its own default credential
 * chain, so with GitHub OIDC the CLI called sts:AssumeRoleWithWebIdentity once per client. The
 * SDK's defaultProvider memoizes what it resolves (and refreshes it before it expires), so every
 * client shares one provider instance and one set of credentials.
 */
export function createAwsClients(
  env: Env,
  credentials: NonNullable<STSClientConfig['credentials']> = defaultProvider(),
): AwsClients {
  const config = { region: project.aws.region, credentials, ...retrySettings(env) };
  return {
    sts: new STSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: usesCustomS3Endpoint(env) }),
    codeDeploy: new CodeDeployClient(config),
    cloudFormation: new CloudFormationClient(config),
  };
}
