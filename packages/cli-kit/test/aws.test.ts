import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import t, { type Test } from 'tap';
import { assertAccount } from '../src/aws/assert-account.ts';
import { project } from '@hello/config/project';
import { checkAccount, createStsClient } from '../src/aws/check-account.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { explainAwsError, principalName } from '../src/aws/explain-aws-error.ts';
import { CliError } from '../src/cli-error.ts';
import { retrySettings } from '../src/aws/retry-settings.ts';

t.test('aws/assert-account.ts', async (t) => {
  const sts = new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

  t.test('returns the caller when the account matches', async (t) => {
    const mock = mockClient(STSClient);
    t.teardown(() => mock.restore());
    mock.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/ci' });
    t.same(await assertAccount(sts, '111122223333'), {
      account: '111122223333',
      arn: 'arn:aws:iam::111122223333:user/ci',
    });
  });

  t.test('names the expected and the found account when they differ', async (t) => {
    const mock = mockClient(STSClient);
    t.teardown(() => mock.restore());
    mock
      .on(GetCallerIdentityCommand)
      .resolvesOnce({ Account: '444455556666', Arn: 'arn:aws:iam::444455556666:user/bob' })
      .resolves({});
    await t.rejects(assertAccount(sts, '111122223333'), {
      message:
        /^wrong AWS account: expected 111122223333 .* found 444455556666 \(signed in as arn:aws:iam::444455556666:user\/bob\)\. Nothing was changed\./,
      exitCode: 1,
    });
    await t.rejects(assertAccount(sts, '111122223333'), { message: /found unknown \(signed in as unknown\)/ });
  });
});

t.test('aws/check-account.ts', async (t) => {
  t.test('the STS client uses the project region and the patient retries', async (t) => {
    const sts = createStsClient({ AWS_REGION: 'ap-south-1' });
    t.equal(await sts.config.region(), project.aws.region);
    t.equal(await sts.config.maxAttempts(), 8);
  });

  t.test('passes the configured account, explains every failure', async (t) => {
    const mock = mockClient(STSClient);
    t.teardown(() => mock.restore());
    const sts = new STSClient({ region: project.aws.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const arn = `arn:aws:iam::${project.aws.account}:user/ci`;
    mock
      .on(GetCallerIdentityCommand)
      .resolvesOnce({ Account: project.aws.account, Arn: arn })
      .rejects(Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }));
    t.same(await checkAccount(sts), { account: project.aws.account, arn });
    await t.rejects(checkAccount(sts), {
      name: 'CliError',
      message: /^no AWS credentials found for sts:GetCallerIdentity/,
    });
  });
});

t.test('aws/explain-aws-error.ts', async (t) => {
  const context = { action: 's3:PutObject', resource: 's3://b/k', callerArn: 'arn:aws:iam::1:user/alice' };
  const err = (name: string, status?: number, message?: string) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts: 4 } });

  t.test('access denied names the principal, the action and the resource', (t) => {
    t.match(
      explainAwsError(err('AccessDenied', 403), context).message,
      /^access denied: arn:aws:iam::1:user\/alice may not s3:PutObject on s3:\/\/b\/k\. Use the role the foundation stack \(shop-foundation\)/,
    );
    t.match(
      explainAwsError(err('Whatever', 403), { action: 'a', resource: 'r' }).message,
      /^access denied: these credentials may not a on r/,
    );
    t.equal(
      principalName('arn:aws:sts::1:assumed-role/deployer/session'),
      'role deployer (arn:aws:sts::1:assumed-role/deployer/session)',
    );
    t.end();
  });

  t.test('each kind of failure gets its own advice', (t) => {
    t.match(
      explainAwsError(err('NoSuchBucket', 404), context).message,
      'deploy the foundation stack first (pnpm infra:deploy shop-foundation)',
    );
    t.match(
      explainAwsError(err('ApplicationDoesNotExistException'), { ...context, stack: 'shop-prod' }).message,
      's3://b/k does not exist: deploy the stack shop-prod first',
    );
    t.match(
      explainAwsError(err('ApplicationDoesNotExistException'), context).message,
      's3:PutObject on s3://b/k failed: ApplicationDoesNotExistException',
    );
    t.match(
      explainAwsError(err('Throttling', 400, 'Rate exceeded'), context).message,
      'AWS throttled s3:PutObject on s3://b/k 4 time(s) despite retries with backoff',
    );
    t.match(explainAwsError(Object.assign(new Error('x'), { name: 'SlowDown' }), context).message, '1 time(s)');
    t.match(
      explainAwsError(err('CredentialsProviderError', undefined, 'Could not load credentials'), context).message,
      /^no AWS credentials found for s3:PutObject: sign in/,
    );
    t.equal(explainAwsError(undefined, context).message, 's3:PutObject on s3://b/k failed: Error: no message');
    const own = new CliError('already explained');
    t.equal(explainAwsError(own, context), own);
    t.end();
  });

  t.test('invalid credentials are told apart from denied permissions, whatever the HTTP status', (t) => {
    for (const [name, status] of [
      ['ExpiredToken', 400],
      ['ExpiredTokenException', 403],
      ['InvalidClientTokenId', 403],
      ['UnrecognizedClientException', 403],
      ['SignatureDoesNotMatch', 403],
      ['InvalidAccessKeyId', 403],
    ] as const) {
      const message = explainAwsError(
        err(name, status, 'The security token included in the request is invalid.'),
        context,
      ).message;
      t.match(
        message,
        /^invalid credentials: AWS rejected the credentials for s3:PutObject \(expired, revoked or mistyped; not a permissions problem\)\. Sign in again/,
        name,
      );
      t.notMatch(message, 'access denied', name);
    }
    t.end();
  });

  /** A loopback S3/STS that answers every request with one status, content type and body. */
  async function awsStandIn(t: Test, status: number, body: string): Promise<string> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res
          .writeHead(status, body === '' ? {} : { 'content-type': 'text/xml' })
          .end(req.method === 'HEAD' ? undefined : body),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

  // The real SDK's error objects, from real HTTP answers: what S3 sends when ExpectedBucketOwner does
  // not match (403 AccessDenied; a HEAD answer has no body) and what STS sends for a bad key.
  t.test('a bucket of another account: the real SDK errors of HEAD and PUT both name the owner check', async (t) => {
    const endpoint = await awsStandIn(
      t,
      403,
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R1</RequestId></Error>',
    );
    const s3 = new S3Client({
      region: project.aws.region,
      endpoint,
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
    });
    const on = { action: 's3:HeadBucket', resource: 's3://b' };
    const head = await s3
      .send(new HeadBucketCommand({ Bucket: 'b', ExpectedBucketOwner: project.aws.account }))
      .catch((e: unknown) => e);
    const headMessage = explainAwsError(head, on).message;
    t.match(headMessage, /^access denied: these credentials may not s3:HeadBucket on s3:\/\/b\./);
    t.match(
      headMessage,
      `Or the bucket belongs to another account than ${project.aws.account} (S3 answers 403 when ExpectedBucketOwner does not match)`,
    );
    t.match(headMessage, /\(HTTP 403 \(\w+: UnknownError; a HEAD response carries no error code\)\)$/);
    const put = await s3
      .send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x', ExpectedBucketOwner: project.aws.account }))
      .catch((e: unknown) => e);
    const putMessage = explainAwsError(put, { action: 's3:PutObject', resource: 's3://b/k' }).message;
    t.match(putMessage, 'Or the bucket belongs to another account than');
    t.match(putMessage, /\(AccessDenied: Access Denied\)$/);
  });

  t.test('a revoked key: the real STS error is invalid credentials, not access denied', async (t) => {
    const endpoint = await awsStandIn(
      t,
      403,
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>R2</RequestId></ErrorResponse>',
    );
    const sts = new STSClient({ region: project.aws.region, endpoint, credentials, maxAttempts: 1 });
    const error = await sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    const message = explainAwsError(error, { action: 'sts:GetCallerIdentity', resource: 'account' }).message;
    t.match(message, /^invalid credentials: /);
    t.match(message, '(InvalidClientTokenId: The security token included in the request is invalid.)');
  });
});

t.test('aws/retry-settings.ts', async (t) => {
  t.test('adaptive retries with 8 attempts unless the user configured retries', (t) => {
    t.same(retrySettings({}), { retryMode: 'adaptive', maxAttempts: 8 });
    t.same(retrySettings({ AWS_MAX_ATTEMPTS: '2' }), {});
    t.same(retrySettings({ AWS_RETRY_MODE: 'standard' }), {});
    t.end();
  });
});
