// The alarms of one stage, each sent to its alarm topic when it goes off and when it ends.
import { Duration } from 'aws-cdk-lib';
import type { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import {
  HttpCodeElb,
  HttpCodeTarget,
  type ApplicationLoadBalancer,
  type ApplicationTargetGroup,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { AlarmTopic } from './alarm-topic.ts';
import { HOST_METRICS } from './cloud-watch-agent-config.ts';

/** When an alarm goes off; every figure is compared over consecutive one-minute samples unless noted. */
export interface AlarmThresholds {
  /** 5xx answers (load balancer and hosts) per 100 requests, in 3 of 5 minutes. */
  readonly errorRatePercent: number;
  /** p99 of the hosts' response time, in seconds, in 3 of 5 minutes. */
  readonly p99Seconds: number;
  /** Memory used on the fullest host, percent, for 5 minutes. */
  readonly memoryPercent: number;
  /** Root volume used on the fullest host, percent, for 5 minutes. */
  readonly diskPercent: number;
  /** Minutes the group may have fewer hosts in service than it wants (launches fail, hosts stuck). */
  readonly missingHostMinutes: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  errorRatePercent: 5,
  p99Seconds: 1,
  memoryPercent: 90,
  diskPercent: 85,
  missingHostMinutes: 15,
};

export interface StageAlarmsProps {
  /** Prefix of alarm names and messages, e.g. the stack name `hello-staging`. */
  readonly namePrefix: string;
  readonly topic: AlarmTopic;
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  readonly autoScalingGroup: AutoScalingGroup;
  /** The namespace the hosts' CloudWatch agent publishes memory and disk figures to. */
  readonly hostMetricsNamespace: string;
  /** Alarms created elsewhere (CodeDeploy's rollback alarms) that a person should hear about too. */
  readonly alsoNotify?: readonly Alarm[];
  /** @default DEFAULT_ALARM_THRESHOLDS */
  readonly thresholds?: Partial<AlarmThresholds>;
}

const MINUTE = Duration.minutes(1);

/** Alarms on errors, latency, host memory and disk, and hosts the group wants but does not have. */
export class StageAlarms extends Construct {
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: StageAlarmsProps) {
    super(scope, id);
    const t = { ...DEFAULT_ALARM_THRESHOLDS, ...props.thresholds };
    for (const [key, value] of Object.entries(t)) {
      if (!(Number.isFinite(value) && value > 0)) {
        throw new Error(`StageAlarms thresholds.${key}: ${value} is not allowed; expected a number above 0`);
      }
    }
    const { loadBalancer: lb, targetGroup: tg, namePrefix } = props;
    const alarm = (
      alarmId: string,
      name: string,
      description: string,
      metric: IMetric,
      threshold: number,
      evaluationPeriods: number,
      datapointsToAlarm = evaluationPeriods,
    ): Alarm =>
      new Alarm(this, alarmId, {
        alarmName: `${namePrefix}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        datapointsToAlarm,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic, no hosts yet or no samples: nothing is wrong that this alarm measures.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    const hostMetric = (metricName: string): Metric =>
      new Metric({ namespace: props.hostMetricsNamespace, metricName, statistic: 'Maximum', period: MINUTE });
    const groupMetric = (metricName: string, statistic: string): Metric =>
      new Metric({
        namespace: 'AWS/AutoScaling',
        metricName,
        dimensionsMap: { AutoScalingGroupName: props.autoScalingGroup.autoScalingGroupName },
        statistic,
        period: Duration.minutes(5),
      });

    const own = [
      alarm(
        'ErrorRate',
        '5xx-rate',
        `${namePrefix}: at least ${t.errorRatePercent} of 100 requests answered 5xx (load balancer or hosts) in 3 of 5 minutes. Dashboard ${namePrefix}; the service log names the failing requests.`,
        new MathExpression({
          expression: 'IF(requests > 0, 100 * (FILL(hosts, 0) + FILL(balancer, 0)) / requests, 0)',
          usingMetrics: {
            requests: lb.metrics.requestCount({ statistic: 'Sum', period: MINUTE }),
            hosts: tg.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period: MINUTE }),
            balancer: lb.metrics.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period: MINUTE }),
          },
          label: '5xx per 100 requests',
          period: MINUTE,
        }),
        t.errorRatePercent,
        5,
        3,
      ),
      alarm(
        'Latency',
        'p99-latency',
        `${namePrefix}: the slowest 1% of requests took ${t.p99Seconds} s or more at the hosts in 3 of 5 minutes.`,
        tg.metrics.targetResponseTime({ statistic: 'p99', period: MINUTE }),
        t.p99Seconds,
        5,
        3,
      ),
      alarm(
        'Memory',
        'host-memory',
        `${namePrefix}: a host has used ${t.memoryPercent}% of its memory or more for 5 minutes (CloudWatch agent, ${HOST_METRICS.memoryUsedPercent}).`,
        hostMetric(HOST_METRICS.memoryUsedPercent),
        t.memoryPercent,
        5,
      ),
      alarm(
        'Disk',
        'host-disk',
        `${namePrefix}: a host's root volume is ${t.diskPercent}% full or more (CloudWatch agent, ${HOST_METRICS.diskUsedPercent}); old releases and logs live there.`,
        hostMetric(HOST_METRICS.diskUsedPercent),
        t.diskPercent,
        5,
      ),
      alarm(
        'MissingHosts',
        'hosts-missing',
        `${namePrefix}: the Auto Scaling group has had fewer hosts in service than it wants for ${t.missingHostMinutes} minutes: launches fail or new hosts never finish their install. Its activity history says why.`,
        new MathExpression({
          expression: 'desired - inService',
          usingMetrics: {
            desired: groupMetric('GroupDesiredCapacity', 'Minimum'),
            inService: groupMetric('GroupInServiceInstances', 'Maximum'),
          },
          label: 'hosts wanted but not in service',
          period: Duration.minutes(5),
        }),
        1,
        Math.max(1, Math.ceil(t.missingHostMinutes / 5)),
      ),
    ];
    this.alarms = [...own, ...(props.alsoNotify ?? [])];
    for (const a of this.alarms) props.topic.notify(a);
  }
}
