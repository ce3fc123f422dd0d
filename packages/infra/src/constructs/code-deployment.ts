// CodeDeploy for a stage: the application, and a deployment group that rolls releases over the fleet.
import { Duration, Validations } from 'aws-cdk-lib';
import type { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  LoadBalancer,
  ServerApplication,
  ServerDeploymentConfig,
  ServerDeploymentGroup,
  type IServerDeploymentConfig,
} from 'aws-cdk-lib/aws-codedeploy';
import { HttpCodeTarget, type ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { DeploymentConfigName } from '@hello/config/define-project';

const DEPLOYMENT_CONFIGS: Readonly<Record<DeploymentConfigName, IServerDeploymentConfig>> = {
  'CodeDeployDefault.AllAtOnce': ServerDeploymentConfig.ALL_AT_ONCE,
  'CodeDeployDefault.HalfAtATime': ServerDeploymentConfig.HALF_AT_A_TIME,
  'CodeDeployDefault.OneAtATime': ServerDeploymentConfig.ONE_AT_A_TIME,
};

export interface CodeDeploymentProps {
  readonly applicationName: string;
  /** The stage name: the hooks read it back from DEPLOYMENT_GROUP_NAME. */
  readonly deploymentGroupName: string;
  readonly deploymentConfigName: DeploymentConfigName;
  readonly autoScalingGroup: AutoScalingGroup;
  /** CodeDeploy drains each host from it before stopping the service (traffic control). */
  readonly targetGroup: ApplicationTargetGroup;
  /**
   * Target 5xx responses per minute that stop and roll back a deployment.
   * @default 5
   */
  readonly max5xxPerMinute?: number;
}

/** In-place deployments with traffic control and automatic rollback on failure, stop and alarm. */
export class CodeDeployment extends Construct {
  readonly application: ServerApplication;
  readonly deploymentGroup: ServerDeploymentGroup;
  /** The alarms that stop and roll back a deployment. */
  readonly alarms: readonly Alarm[];
  /** The one of them a person should hear about as well: a host failing its health check. */
  readonly unhealthyHosts: Alarm;

  constructor(scope: Construct, id: string, props: CodeDeploymentProps) {
    super(scope, id);
    const max5xx = props.max5xxPerMinute ?? 5;
    if (!Number.isInteger(max5xx) || max5xx < 1) {
      throw new Error(`CodeDeployment max5xxPerMinute: ${max5xx} is not allowed; expected a whole number >= 1`);
    }
    const minute = Duration.minutes(1);
    this.unhealthyHosts = new Alarm(this, 'UnhealthyHosts', {
      alarmDescription: 'A host failed the load balancer health check for two minutes: roll the deployment back',
      metric: props.targetGroup.metrics.unhealthyHostCount({ period: minute, statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms = [
      new Alarm(this, 'Target5xx', {
        alarmDescription: `More than ${max5xx - 1} 5xx responses from the hosts in a minute: roll the deployment back`,
        metric: props.targetGroup.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, {
          period: minute,
          statistic: 'Sum',
        }),
        threshold: max5xx,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      this.unhealthyHosts,
    ];
    this.application = new ServerApplication(this, 'Application', { applicationName: props.applicationName });
    this.deploymentGroup = new ServerDeploymentGroup(this, 'DeploymentGroup', {
      application: this.application,
      deploymentGroupName: props.deploymentGroupName,
      deploymentConfig: DEPLOYMENT_CONFIGS[props.deploymentConfigName],
      autoScalingGroups: [props.autoScalingGroup],
      // The user data installs the agent with retries; CDK's installer would run a second copy.
      installAgent: false,
      loadBalancers: [LoadBalancer.application(props.targetGroup)],
      alarms: [...this.alarms],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      // Lets CodeDeploy finish draining a host the group scales in, instead of cutting requests.
      terminationHook: true,
    });
    Validations.of(this.deploymentGroup).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRole]',
      reason:
        'The service role policy AWS maintains for EC2/Auto Scaling deployments (lifecycle hooks, ELB registration); a copy would drift.',
    });
  }
}
