// WebFleet's guard and options; the configured fleet is covered by the stage stack tests.
import t from 'tap';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { UserData } from 'aws-cdk-lib/aws-ec2';
import { ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { WebFleet, type WebFleetProps } from '../../src/constructs/web-fleet.ts';
import { scratchStack, scratchVpc } from '../helpers/scratch-stack.ts';

function props(stack: ReturnType<typeof scratchStack>, change: Partial<WebFleetProps> = {}): WebFleetProps {
  const vpc = scratchVpc(stack);
  return {
    vpc,
    instanceType: 't4g.small',
    capacity: { min: 1, max: 2 },
    scaling: { cpuPercent: 50 },
    healthCheckGracePeriod: Duration.minutes(60),
    servicePort: 8443,
    loadBalancerSecurityGroup: new SecurityGroup(stack, 'Lb', { vpc }),
    targetGroup: new ApplicationTargetGroup(stack, 'Tg', { vpc, port: 8443 }),
    releaseBucket: Bucket.fromBucketName(stack, 'B', 'release-bucket'),
    releasePrefix: 'releases/',
    userData: UserData.forLinux(),
    ...change,
  };
}

t.test('capacity must satisfy 1 <= min <= max, scaling needs a target', async (t) => {
  for (const capacity of [
    { min: 0, max: 2 },
    { min: 3, max: 2 },
  ]) {
    const stack = scratchStack();
    t.throws(() => new WebFleet(stack, 'F', props(stack, { capacity })), {
      message: `WebFleet capacity: ${JSON.stringify(capacity)} is not allowed; expected 1 <= min <= max`,
    });
  }
  const stack = scratchStack();
  t.throws(() => new WebFleet(stack, 'F', props(stack, { scaling: {} })), {
    message: 'WebFleet scaling: {} is not allowed; expected cpuPercent and/or requestsPerHostPerMinute',
  });
});

t.test('an x86 instance type gets the x86_64 AMI; grace period and volume size are honoured', async (t) => {
  const stack = scratchStack();
  new WebFleet(
    stack,
    'F',
    props(stack, { instanceType: 't3.small', healthCheckGracePeriod: Duration.seconds(120), rootVolumeGiB: 20 }),
  );
  const template = Template.fromStack(stack);
  // The AMI must match the CPU or instances never boot.
  t.match(Object.keys(template.toJSON().Parameters as object), [/al2023amikernel.*x8664/]);
  t.doesNotThrow(() => {
    // The load balancer's health check replaces hosts too, after the grace period.
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 120,
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: { VolumeSize: 20, Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true },
          },
        ],
      },
    });
    // Even a one-host fleet keeps that host in service while a replacement starts (max 2 leaves room).
    template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      UpdatePolicy: { AutoScalingRollingUpdate: { MinInstancesInService: 1, MaxBatchSize: 1 } },
    });
  });
});

t.test('the signal timeout is bounded and used for creation and each replacement', async (t) => {
  for (const minutes of [4, 61]) {
    const stack = scratchStack();
    t.throws(() => new WebFleet(stack, 'F', props(stack, { signalTimeout: Duration.minutes(minutes) })), {
      message:
        /^WebFleet signalTimeout: .+ is not allowed; expected 5 to 60 minutes \(a first boot installs Node and two agents\)$/,
    });
  }
  const stack = scratchStack();
  const userData = UserData.forLinux();
  new WebFleet(stack, 'F', props(stack, { signalTimeout: Duration.minutes(30), userData }));
  t.doesNotThrow(() =>
    Template.fromStack(stack).hasResource('AWS::AutoScaling::AutoScalingGroup', {
      CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT30M' } },
      UpdatePolicy: { AutoScalingRollingUpdate: { WaitOnResourceSignals: true, PauseTime: 'PT30M' } },
    }),
  );
  // The user data reports its exit code to CloudFormation, whatever way it ends.
  t.match(userData.render(), /trap exitTrap EXIT/);
});
