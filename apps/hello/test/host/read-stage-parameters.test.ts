import t from 'tap';
import { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { StageParameter } from '@hello/config/stage-parameters';
import { ParameterReadError, readStageParameters } from '../../host/read-stage-parameters.ts';
import { MOTO_ENV, skipWithoutMoto, startMotoServer, type MotoServer } from '../helpers/moto-server.ts';

const REGION = 'eu-central-1';
const token: StageParameter = { variable: 'API_TOKEN', name: '/shop/prod/api-token', secret: true, required: true };
const greeting: StageParameter = { variable: 'GREETING', name: '/shop/prod/greeting', secret: false, required: false };
const region: StageParameter = { variable: 'REGION_NAME', name: '/shop/prod/region', secret: false, required: true };
const SECRET = 'tok-8c1f0e7d!secret';

const failure = async (promise: Promise<unknown>): Promise<ParameterReadError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ParameterReadError)) throw new Error(`expected a ParameterReadError, got ${String(error)}`);
  return error;
};

t.test(
  'against moto_server: the real SDK calls, SecureString decryption and missing names',
  { skip: skipWithoutMoto() },
  async (t) => {
    const moto: MotoServer = await startMotoServer();
    t.teardown(() => moto.stop());
    const client = new SSMClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
    });
    t.teardown(() => client.destroy());

    await t.test('a secret and a setting are read, decrypted', async (t) => {
      await moto.put(REGION, token.name, SECRET, 'SecureString');
      await moto.put(REGION, greeting.name, 'hi', 'String');
      await moto.put(REGION, region.name, 'north', 'String');
      t.same(await readStageParameters(client, [greeting, region, token], REGION), {
        values: { GREETING: 'hi', REGION_NAME: 'north', API_TOKEN: SECRET },
        absent: [],
      });
    });

    await t.test('a missing secret is named with the command that puts it, and no value appears', async (t) => {
      const other = { ...token, name: '/shop/prod/other-token' };
      const error = await failure(readStageParameters(client, [region, other], REGION));
      t.same(error.problems, [
        `API_TOKEN: secret /shop/prod/other-token does not exist; put it with: aws ssm put-parameter --region ${REGION} --name /shop/prod/other-token --type SecureString --overwrite --value <value>`,
      ]);
      t.notMatch(error.message, 'north');
    });

    await t.test('a missing setting with a default is absent; its default applies', async (t) => {
      const unset = { ...greeting, name: '/shop/prod/unset' };
      t.same(await readStageParameters(client, [unset, token], REGION), {
        values: { API_TOKEN: SECRET },
        absent: [unset],
      });
    });

    await t.test('a secret kept as a String is refused', async (t) => {
      const plain = { ...token, name: '/shop/prod/plain-token' };
      await moto.put(REGION, plain.name, SECRET, 'String');
      const error = await failure(readStageParameters(client, [plain], REGION));
      t.same(error.problems, [
        'API_TOKEN: secret /shop/prod/plain-token is a String parameter; a secret must be a SecureString: delete it and put it again with --type SecureString',
      ]);
      t.notMatch(error.message, SECRET);
    });

    await t.test('more than ten parameters take more than one call', async (t) => {
      const many = Array.from({ length: 12 }, (_, i) => ({ ...greeting, variable: `V${i}`, name: `/shop/prod/v${i}` }));
      await Promise.all(many.slice(0, 11).map((p, i) => moto.put(REGION, p.name, `value${i}`, 'String')));
      const read = await readStageParameters(client, many, REGION);
      t.equal(Object.keys(read.values).length, 11);
      t.same(read.absent, [many[11]]);
    });
  },
);

t.test('a call SSM refuses as a whole is retried name by name, so the message names the parameter', async (t) => {
  const client = new SSMClient({ region: REGION });
  const ssm = mockClient(client);
  t.teardown(() => ssm.restore());
  // What SSM answers when one SecureString of the call is encrypted with a key this role may not use.
  const kmsDenied = Object.assign(
    new Error('User: arn:aws:sts::210987654321:assumed-role/host is not authorized to perform: kms:Decrypt'),
    {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    },
  );
  ssm.on(GetParametersCommand).rejects(kmsDenied);
  ssm
    .on(GetParameterCommand, { Name: token.name })
    .rejects(kmsDenied)
    .on(GetParameterCommand, { Name: region.name })
    .resolves({ Parameter: { Name: region.name, Type: 'String', Value: 'north' } })
    .on(GetParameterCommand, { Name: greeting.name })
    .rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound', $metadata: { httpStatusCode: 400 } }));
  const error = await failure(readStageParameters(client, [greeting, region, token], REGION));
  t.same(error.problems, [
    `API_TOKEN: secret /shop/prod/api-token cannot be read: AccessDeniedException: ${kmsDenied.message}`,
  ]);
  t.equal(ssm.commandCalls(GetParameterCommand).length, 3);

  ssm.reset();
  ssm.on(GetParametersCommand).rejects(kmsDenied).on(GetParameterCommand).resolves({});
  t.same(
    await readStageParameters(client, [greeting], REGION),
    { values: {}, absent: [greeting] },
    'an answer without a parameter counts as missing',
  );
});

t.test('no answer from SSM (network, credentials) fails at once, naming what was asked', async (t) => {
  const client = new SSMClient({ region: REGION });
  const ssm = mockClient(client);
  t.teardown(() => ssm.restore());
  ssm.on(GetParametersCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name: 'Error' }));
  const error = await failure(readStageParameters(client, [greeting, token], REGION));
  t.same(error.problems, [
    `no answer from SSM in ${REGION} for /shop/prod/greeting, /shop/prod/api-token: Error: connect ECONNREFUSED 127.0.0.1:1`,
  ]);
  t.match(error.message, /^the stage's settings and secrets could not all be read from SSM:\n {2}- no answer/);
  t.equal(ssm.commandCalls(GetParameterCommand).length, 0, 'no call per name');

  ssm.reset();
  ssm.on(GetParametersCommand).resolves({});
  t.same(await readStageParameters(client, [greeting], REGION), { values: {}, absent: [greeting] });
  t.same((await failure(readStageParameters(client, [region], REGION))).problems, [
    `REGION_NAME: setting /shop/prod/region does not exist; put it with: aws ssm put-parameter --region ${REGION} --name /shop/prod/region --type String --overwrite --value <value>`,
  ]);
  ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: greeting.name, Type: 'String' }] });
  t.same(await readStageParameters(client, [greeting], REGION), { values: { GREETING: '' }, absent: [] });
  ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: token.name, Type: 'StringList', Value: 'a,b' }] });
  t.same((await failure(readStageParameters(client, [token], REGION))).problems, [
    'API_TOKEN: secret /shop/prod/api-token is a StringList parameter; a secret must be a SecureString: delete it and put it again with --type SecureString',
  ]);
});
