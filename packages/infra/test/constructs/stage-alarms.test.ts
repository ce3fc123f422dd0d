// StageAlarms' thresholds and AlarmTopic's guard; the configured alarms are covered by
// stage-operations.test.ts.
import t from 'tap';
import { Template } from 'aws-cdk-lib/assertions';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { InstanceType, MachineImage } from 'aws-cdk-lib/aws-ec2';
import { ApplicationLoadBalancer, ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { AlarmTopic } from '../../src/constructs/alarm-topic.ts';
import { StageAlarms, type StageAlarmsProps } from '../../src/constructs/stage-alarms.ts';
import { scratchStack, scratchVpc } from '../helpers/scratch-stack.ts';

function props(stack: ReturnType<typeof scratchStack>, change: Partial<StageAlarmsProps> = {}): StageAlarmsProps {
  const vpc = scratchVpc(stack);
  const targetGroup = new ApplicationTargetGroup(stack, 'Tg', { vpc, port: 8443 });
  const loadBalancer = new ApplicationLoadBalancer(stack, 'Lb', { vpc });
  loadBalancer.addListener('L', { port: 80, defaultTargetGroups: [targetGroup] });
  return {
    namePrefix: 'app-staging',
    topic: new AlarmTopic(stack, 'Topic', { topicName: 'app-staging-alarms', emails: [] }),
    loadBalancer,
    targetGroup,
    autoScalingGroup: new AutoScalingGroup(stack, 'Asg', {
      vpc,
      instanceType: new InstanceType('t3.small'),
      machineImage: MachineImage.latestAmazonLinux2023(),
    }),
    hostMetricsNamespace: 'app/staging',
    ...change,
  };
}

t.test('thresholds can be tuned, and each must be above 0', async (t) => {
  const stack = scratchStack();
  new StageAlarms(stack, 'A', props(stack, { thresholds: { p99Seconds: 0.25, diskPercent: 70 } }));
  const template = Template.fromStack(stack);
  t.doesNotThrow(() => {
    // A stricter latency goal and an earlier disk warning, the other defaults untouched.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'app-staging-p99-latency', Threshold: 0.25 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'app-staging-host-disk', Threshold: 70 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'app-staging-host-memory', Threshold: 90 });
  });
  const other = scratchStack();
  t.throws(() => new StageAlarms(other, 'A', props(other, { thresholds: { memoryPercent: 0 } })), {
    message: 'StageAlarms thresholds.memoryPercent: 0 is not allowed; expected a number above 0',
  });
});

t.test('an existing topic takes no e-mail subscriptions from the stage', async (t) => {
  const stack = scratchStack();
  t.throws(
    () =>
      new AlarmTopic(stack, 'T', {
        topicName: 'unused',
        emails: ['ops@example.com'],
        existingTopicArn: 'arn:aws:sns:us-east-1:123456789012:pager',
      }),
    {
      message:
        'AlarmTopic emails: ["ops@example.com"] is not allowed with existingTopicArn; subscribe them on that topic',
    },
  );
});
