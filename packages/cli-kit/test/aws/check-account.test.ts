import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { project } from '@hello/config/project';
import { mockClient } from 'aws-sdk-client-mock';
import t from 'tap';
import { checkAccount, createStsClient } from '../../src/aws/check-account.ts';

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
