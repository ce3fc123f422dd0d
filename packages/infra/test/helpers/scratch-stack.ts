// A bare stack in an app with cdk.json's context, for testing one construct at a time.
import { App, Stack } from 'aws-cdk-lib';
import { Vpc, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { CDK_CONTEXT } from './test-app.ts';

export function scratchStack(): Stack {
  return new Stack(new App({ context: CDK_CONTEXT }), 'Scratch', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
}

export function scratchVpc(stack: Stack): IVpc {
  return new Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 });
}
