// CodeDeployment's alarm threshold; the configured groups are covered by the stage stack tests.
import t from 'tap';
import { Template } from 'aws-cdk-lib/assertions';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { InstanceType, MachineImage } from 'aws-cdk-lib/aws-ec2';
import { ApplicationLoadBalancer, ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { CodeDeployment, type CodeDeploymentProps } from '../../src/constructs/code-deployment.ts';
import { scratchStack, scratchVpc } from '../helpers/scratch-stack.ts';

function props(stack: ReturnType<typeof scratchStack>, change: Partial<CodeDeploymentProps> = {}): CodeDeploymentProps {
  const vpc = scratchVpc(stack);
  const targetGroup = new ApplicationTargetGroup(stack, 'Tg', { vpc, port: 8443 });
  new ApplicationLoadBalancer(stack, 'Lb', { vpc }).addListener('L', { port: 80, defaultTargetGroups: [targetGroup] });
  return {
    applicationName: 'a',
    deploymentGroupName: 'staging',
    deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
    targetGroup,
    autoScalingGroup: new AutoScalingGroup(stack, 'Asg', {
      vpc,
      instanceType: new InstanceType('t3.small'),
      machineImage: MachineImage.latestAmazonLinux2023(),
    }),
    ...change,
  };
}

t.test('the 5xx threshold is configurable', async (t) => {
  const stack = scratchStack();
  new CodeDeployment(stack, 'D', props(stack, { max5xxPerMinute: 20 }));
  const template = Template.fromStack(stack);
  t.doesNotThrow(() => {
    // A busier service tolerates a few errors without rolling back.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HTTPCode_Target_5XX_Count',
      Threshold: 20,
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.HalfAtATime',
    });
  });
});

t.test('the 5xx threshold must be a whole number >= 1', async (t) => {
  const stack = scratchStack();
  t.throws(() => new CodeDeployment(stack, 'D', props(stack, { max5xxPerMinute: 0 })), {
    message: 'CodeDeployment max5xxPerMinute: 0 is not allowed; expected a whole number >= 1',
  });
});
