import t from 'tap';
import { explainAwsError, principalName } from '../../src/aws/explain-aws-error.js';
import { CliError } from '../../src/cli-error.js';

const context = { action: 's3:PutObject', resource: 's3://b/k', callerArn: 'arn:aws:iam::1:user/alice' };
const err = (name: string, status?: number, message?: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts: 4 } });

t.test('access denied names the principal, the action and the resource', (t) => {
  t.match(explainAwsError(err('AccessDenied', 403), context).message, /^access denied: arn:aws:iam::1:user\/alice may not s3:PutObject on s3:\/\/b\/k\. Use the role the foundation stack \(hello-foundation\)/);
  t.match(explainAwsError(err('Whatever', 403), { action: 'a', resource: 'r' }).message, /^access denied: these credentials may not a on r/);
  t.equal(principalName('arn:aws:sts::1:assumed-role/deployer/session'), 'role deployer (arn:aws:sts::1:assumed-role/deployer/session)');
  t.end();
});

t.test('each kind of failure gets its own advice', (t) => {
  t.match(explainAwsError(err('NoSuchBucket', 404), context).message, 'deploy the foundation stack first (pnpm infra:deploy hello-foundation)');
  t.match(explainAwsError(err('ApplicationDoesNotExistException'), { ...context, stack: 'hello-prod' }).message, 's3://b/k does not exist: deploy the stack hello-prod first');
  t.match(explainAwsError(err('ApplicationDoesNotExistException'), context).message, 's3:PutObject on s3://b/k failed: ApplicationDoesNotExistException');
  t.match(explainAwsError(err('Throttling', 400, 'Rate exceeded'), context).message, 'AWS throttled s3:PutObject on s3://b/k 4 time(s) despite retries with backoff');
  t.match(explainAwsError(Object.assign(new Error('x'), { name: 'SlowDown' }), context).message, '1 time(s)');
  t.match(explainAwsError(err('CredentialsProviderError', undefined, 'Could not load credentials'), context).message, /^no AWS credentials found for s3:PutObject: sign in/);
  t.equal(explainAwsError(undefined, context).message, 's3:PutObject on s3://b/k failed: Error: no message');
  const own = new CliError('already explained');
  t.equal(explainAwsError(own, context), own);
  t.end();
});
