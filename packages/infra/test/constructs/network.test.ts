// Network's guards and CIDR; the configured VPCs are covered by the stage stack tests.
import t from 'tap';
import { Template } from 'aws-cdk-lib/assertions';
import { Network } from '../../src/constructs/network.ts';
import { scratchStack } from '../helpers/scratch-stack.ts';

t.test('one AZ is refused', async (t) => {
  t.throws(() => new Network(scratchStack(), 'N', { availabilityZones: ['us-east-1a'], natGateways: 1 }), {
    message:
      'Network availabilityZones: ["us-east-1a"] is not allowed; expected at least 2 AZs so the stage survives losing one',
  });
});

t.test('NAT gateways must be 1 to the number of AZs', async (t) => {
  for (const natGateways of [0, 3, 1.5]) {
    t.throws(() => new Network(scratchStack(), 'N', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways }), {
      message: `Network natGateways: ${natGateways} is not allowed; expected 1 to 2 (the private subnets need egress)`,
    });
  }
});

t.test('a custom CIDR is used', async (t) => {
  const stack = scratchStack();
  new Network(stack, 'N', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1, cidr: '10.8.0.0/16' });
  // Lets a stage avoid clashing with a network it is peered with.
  t.doesNotThrow(() => Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.8.0.0/16' }));
});
