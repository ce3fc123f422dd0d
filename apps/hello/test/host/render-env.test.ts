import t, { type Test } from 'tap';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SERVICE_ENV } from '@hello/config/service-env';
import { StageParametersError } from '@hello/config/stage-parameters';
import { renderEnv, type RenderEnvConfig } from '../../host/render-env.ts';
import { fixtureContract, fixtureProject } from '../helpers/parameter-fixtures.ts';

const base = {
  stage: 'prod',
  version: 'abc',
  port: '8443',
  certFile: '/etc/hello/tls/cert.pem',
  keyFile: '/etc/hello/tls/key.pem',
};
const SECRET = 'tok-4f2a!9b';

/** The fixture project's config, with an SSM client whose answers each test sets. */
function withSsm(t: Test): { config: RenderEnvConfig; ssm: ReturnType<typeof mockClient> } {
  const client = new SSMClient({ region: fixtureProject.aws.region });
  const ssm = mockClient(client);
  t.teardown(() => ssm.restore());
  return {
    config: { contract: fixtureContract, project: fixtureProject, region: 'eu-central-1', ssm: () => client },
    ssm,
  };
}

t.test('renders the contract with stage and version; no parameters, no SSM call', async (t) => {
  const config: RenderEnvConfig = {
    contract: SERVICE_ENV,
    project: { name: 'shop' },
    region: 'eu-central-1',
    ssm: () => t.fail('no SSM client for a project without parameters') as never,
  };
  const { text, sources } = await renderEnv(base, config);
  t.match(text, /^STAGE=prod$/m);
  t.match(text, /^RELEASE_VERSION=abc$/m);
  t.match(
    text,
    /^HOST=0\.0\.0\.0$/m,
    'all interfaces by default: the load balancer reaches the host on its private address',
  );
  t.match(text, /^SHUTDOWN_GRACE_MS=\d+$/m, 'defaults are written out too');
  t.same(sources, []);
  t.match((await renderEnv({ ...base, host: '127.0.0.1' }, config)).text, /^HOST=127\.0\.0\.1$/m);
});

t.test("the stage's settings and secrets from SSM go into the file, and only their names are told", async (t) => {
  const { config, ssm } = withSsm(t);
  ssm.on(GetParametersCommand).resolves({
    Parameters: [
      { Name: '/shop/prod/api-token', Type: 'SecureString', Value: SECRET },
      { Name: '/shop/prod/greeting', Type: 'String', Value: 'hi' },
    ],
  });
  const { text, sources } = await renderEnv(base, config);
  t.match(text, `\nGREETING=hi\nAPI_TOKEN=${SECRET}\n`);
  t.same(sources, ['GREETING from /shop/prod/greeting', 'API_TOKEN from /shop/prod/api-token (secret)']);
  t.same(ssm.commandCalls(GetParametersCommand)[0]?.args[0].input, {
    Names: ['/shop/prod/greeting', '/shop/prod/api-token'],
    WithDecryption: true,
  });

  ssm
    .on(GetParametersCommand)
    .resolves({ Parameters: [{ Name: '/shop/prod/api-token', Type: 'SecureString', Value: SECRET }] });
  const defaulted = await renderEnv(base, config);
  t.match(defaulted.text, /^GREETING=hello$/m);
  t.same(defaulted.sources[0], "GREETING: /shop/prod/greeting does not exist; the contract's default applies");
});

t.test('a value the contract refuses names its parameter, and a secret is never shown', async (t) => {
  const { config, ssm } = withSsm(t);
  ssm.on(GetParametersCommand).resolves({
    Parameters: [
      { Name: '/shop/prod/api-token', Type: 'SecureString', Value: 'has "quotes"' },
      { Name: '/shop/prod/greeting', Type: 'String', Value: 'howdy' },
    ],
  });
  const error = await renderEnv(base, config).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  t.match(
    error?.message,
    'GREETING="howdy": must be equal to one of the allowed values; allowed: hello, hi (from SSM parameter /shop/prod/greeting)',
  );
  t.match(
    error?.message,
    'API_TOKEN (secret, value not shown): must be printable ASCII without spaces, quotes or backslashes (from SSM parameter /shop/prod/api-token)',
  );
  t.notMatch(error?.message, 'quotes"');
});

t.test(
  'refuses a deployment group that is not a stage, values the contract rejects, and an unmatched project',
  async (t) => {
    const config: RenderEnvConfig = {
      contract: SERVICE_ENV,
      project: { name: 'shop' },
      region: 'eu-central-1',
      ssm: () => new SSMClient({}),
    };
    await t.rejects(
      renderEnv({ ...base, stage: 'local' }, config),
      /deployment group "local" is not a stage; expected one of staging, prod/,
    );
    await t.rejects(renderEnv({ ...base, port: '99999' }, config), /PORT="99999"/);
    await t.rejects(renderEnv({ ...base, certFile: 'relative.pem' }, config), /TLS_CERT_FILE/);
    await t.rejects(renderEnv(base, { ...config, contract: fixtureContract }), StageParametersError);
  },
);
