import t from 'tap';
import { createSsmClient, ssmRegion } from '../../host/ssm-client.ts';

t.test("the project's region, unless AWS_REGION names another (a stand-in may serve any)", async (t) => {
  t.equal(ssmRegion({}, 'eu-central-1'), 'eu-central-1');
  t.equal(ssmRegion({ AWS_REGION: '' }, 'eu-central-1'), 'eu-central-1');
  t.equal(ssmRegion({ AWS_REGION: 'us-west-2' }, 'eu-central-1'), 'us-west-2');
  const client = createSsmClient({ AWS_REGION: 'us-west-2' }, 'eu-central-1');
  t.teardown(() => client.destroy());
  t.equal(await client.config.region(), 'us-west-2');
});
