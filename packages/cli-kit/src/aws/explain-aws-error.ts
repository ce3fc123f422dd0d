// Turns SDK errors into messages a person can act on: who was denied what, which stack to deploy.
import { foundationStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { CliError } from '../cli-error.ts';

export interface AwsCallContext {
  /** IAM action, e.g. `codedeploy:CreateDeployment`. */
  readonly action: string;
  /** What it was called on, e.g. `s3://bucket/key` or `hello-staging/staging`. */
  readonly resource: string;
  /** ARN of the signed-in principal, when known. */
  readonly callerArn?: string;
  /** Stack that creates the resource, named when it is missing. */
  readonly stack?: string;
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden']);
/**
 * Credentials AWS does not accept (expired, revoked, mistyped, wrong clock): AWS's "Common Errors"
 * pages (ExpiredTokenException, IncompleteSignature, InvalidClientTokenId,
 * UnrecognizedClientException, RequestExpired; several of them HTTP 403), STS's ExpiredToken and
 * S3's InvalidAccessKeyId/InvalidToken. A 403 with one of these is not a permissions problem.
 */
const INVALID_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'InvalidAccessKeyId',
  'InvalidToken',
  'RequestExpired',
  'AuthFailure',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
]);
const MISSING = new Set(['ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException']);

/** `role/NAME` of an assumed-role ARN, else the ARN itself. */
export function principalName(arn: string): string {
  const assumed = /:assumed-role\/([^/]+)\//.exec(arn);
  return assumed?.[1] !== undefined ? `role ${assumed[1]} (${arn})` : arn;
}

export function explainAwsError(error: unknown, context: AwsCallContext): CliError {
  if (error instanceof CliError) return error;
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const detail = `${name}: ${e.message ?? 'no message'}`;
  const who = context.callerArn === undefined ? 'these credentials' : principalName(context.callerArn);
  if (INVALID_CREDENTIALS.has(name)) {
    return new CliError(
      `invalid credentials: AWS rejected the credentials for ${context.action} (expired, revoked or mistyped; not a permissions problem). ` +
        'Sign in again (aws sso login, a fresh AWS_PROFILE or access key) or, in GitHub Actions, check the OIDC step and the session duration. ' +
        `(${detail})`,
    );
  }
  if (ACCESS_DENIED.has(name) || e.$metadata?.httpStatusCode === 403) {
    // A HEAD request's 403 has no body, so the SDK names it Unknown/UnknownError.
    const shown =
      e.$metadata?.httpStatusCode === 403 && !ACCESS_DENIED.has(name)
        ? `HTTP 403 (${detail}; a HEAD response carries no error code)`
        : detail;
    // Every S3 call here sends ExpectedBucketOwner: S3 answers a bucket of another account with
    // the same 403 AccessDenied as a missing permission.
    const owner = context.action.startsWith('s3:')
      ? ` Or the bucket belongs to another account than ${project.aws.account} (S3 answers 403 when ExpectedBucketOwner does not match): check who owns it.`
      : '';
    return new CliError(
      `access denied: ${who} may not ${context.action} on ${context.resource}. ` +
        `Use the role the foundation stack (${foundationStackName(project)}) grants for this, or extend its policy.${owner} (${shown})`,
    );
  }
  if (name === 'NoSuchBucket') {
    return new CliError(
      `the artifact bucket of ${context.resource} does not exist in account ${project.aws.account}: ` +
        `deploy the foundation stack first (pnpm infra:deploy ${foundationStackName(project)}). (${detail})`,
    );
  }
  if (MISSING.has(name) && context.stack !== undefined) {
    return new CliError(
      `${context.resource} does not exist: deploy the stack ${context.stack} first (pnpm infra:deploy ${context.stack}). (${detail})`,
    );
  }
  if (THROTTLED.has(name)) {
    const attempts = e.$metadata?.attempts ?? 1;
    return new CliError(
      `AWS throttled ${context.action} on ${context.resource} ${attempts} time(s) despite retries with backoff; wait a minute and run the command again. (${detail})`,
    );
  }
  if (name === 'CredentialsProviderError') {
    return new CliError(
      `no AWS credentials found for ${context.action}: sign in (aws sso login, AWS_PROFILE=<profile>) or, in GitHub Actions, configure the role from \`pnpm release names\`. (${detail})`,
    );
  }
  return new CliError(`${context.action} on ${context.resource} failed: ${detail}`);
}
