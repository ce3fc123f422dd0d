// Failures that are events, not states: a deployment that failed or was stopped, a host that could
// not be launched, a host replaced after a failed health check. EventBridge sends each to the
// stage's alarm topic once, as it happens, with the ids a person needs to look further.
import { Duration } from 'aws-cdk-lib';
import type { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { Metric, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { EventField, Match, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import type { AlarmTopic } from './alarm-topic.ts';

export interface StageEventsProps {
  /** Prefix of every message, e.g. the stack name `hello-staging`. */
  readonly namePrefix: string;
  readonly topic: AlarmTopic;
  readonly autoScalingGroup: AutoScalingGroup;
  readonly deployment: { readonly applicationName: string; readonly deploymentGroupName: string };
}

/** Three EventBridge rules on the default bus, each with the alarm topic as its only target. */
export class StageEvents extends Construct {
  /** Failed or stopped deployments, counted per minute (deliveries of the rule that reports them). */
  readonly failedDeployments: IMetric;

  constructor(scope: Construct, id: string, props: StageEventsProps) {
    super(scope, id);
    const { namePrefix, topic } = props;
    const { applicationName, deploymentGroupName } = props.deployment;
    const deploymentId = EventField.fromPath('$.detail.deploymentId');
    const failed = new Rule(this, 'DeploymentFailed', {
      description: `${namePrefix}: a CodeDeploy deployment failed or was stopped`,
      eventPattern: {
        source: ['aws.codedeploy'],
        detailType: ['CodeDeploy Deployment State-change Notification'],
        detail: { application: [applicationName], deploymentGroup: [deploymentGroupName], state: ['FAILURE', 'STOP'] },
      },
      targets: [
        topic.eventTarget(
          RuleTargetInput.fromText(
            `${namePrefix}: deployment ${deploymentId} of ${applicationName}/${deploymentGroupName} ended in ${EventField.fromPath('$.detail.state')} at ${EventField.time}. CodeDeploy rolls it back; \`pnpm release watch ${deploymentId}\` names the host, the lifecycle event and the script's output.`,
          ),
        ),
      ],
    });
    this.failedDeployments = new Metric({
      namespace: 'AWS/Events',
      metricName: 'Invocations',
      dimensionsMap: { RuleName: failed.ruleName },
      statistic: 'Sum',
      period: Duration.minutes(1),
      label: 'failed or stopped deployments',
    });
    const group = { AutoScalingGroupName: [props.autoScalingGroup.autoScalingGroupName] };
    const instanceId = EventField.fromPath('$.detail.EC2InstanceId');
    new Rule(this, 'LaunchFailed', {
      description: `${namePrefix}: the Auto Scaling group could not launch a host`,
      eventPattern: { source: ['aws.autoscaling'], detailType: ['EC2 Instance Launch Unsuccessful'], detail: group },
      targets: [
        topic.eventTarget(
          RuleTargetInput.fromText(
            `${namePrefix}: a host could not be launched at ${EventField.time}: ${EventField.fromPath('$.detail.StatusMessage')} (${EventField.fromPath('$.detail.Cause')})`,
          ),
        ),
      ],
    });
    new Rule(this, 'HostReplaced', {
      description: `${namePrefix}: a host failed its health check and was replaced`,
      eventPattern: {
        source: ['aws.autoscaling'],
        detailType: ['EC2 Instance Terminate Successful'],
        // Auto Scaling's cause says why, e.g. "an instance was taken out of service in response to a
        // user health-check" (its user guide, "View the reason for health check failures").
        detail: { ...group, Cause: [...Match.wildcard('*health*'), ...Match.wildcard('*status check*')] },
      },
      targets: [
        topic.eventTarget(
          RuleTargetInput.fromText(
            `${namePrefix}: host ${instanceId} was replaced at ${EventField.time}. ${EventField.fromPath('$.detail.Cause')} Its logs stay in CloudWatch Logs, stream ${instanceId}.`,
          ),
        ),
      ],
    });
  }
}
