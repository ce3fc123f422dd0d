import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import t from 'tap';
import { assertAccount } from '../../src/aws/assert-account.ts';

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
