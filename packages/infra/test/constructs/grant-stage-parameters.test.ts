// What the grant allows is simulated in test/stacks/policy-simulation.test.ts; here, its guard.
import t from 'tap';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { grantStageParameters } from '../../src/constructs/grant-stage-parameters.ts';
import { scratchStack } from '../helpers/scratch-stack.ts';

t.test('the path must be one stage of one project, ending in a slash', async (t) => {
  const role = new Role(scratchStack(), 'Role', { assumedBy: new ServicePrincipal('ec2.amazonaws.com') });
  // Without the last slash, `/shop/prod*` would also cover `/shop/prod-old/...`.
  for (const path of ['/shop/prod', '/shop/', '/shop/prod/db/', 'shop/prod/'])
    t.throws(() => grantStageParameters(role, path), {
      message: `grantStageParameters path: "${path}" is not allowed`,
    });
  t.doesNotThrow(() => grantStageParameters(role, '/shop/prod/'));
});
