// One CloudWatch dashboard per stage: traffic, errors and latency at the load balancer; the hosts'
// health, CPU, memory and disk; deployments; and the state of every alarm.
import { Duration } from 'aws-cdk-lib';
import type { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  Metric,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import {
  HttpCodeElb,
  HttpCodeTarget,
  type ApplicationLoadBalancer,
  type ApplicationTargetGroup,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { HOST_METRICS } from './cloud-watch-agent-config.ts';

export interface StageDashboardProps {
  readonly dashboardName: string;
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  readonly autoScalingGroup: AutoScalingGroup;
  readonly hostMetricsNamespace: string;
  /** Deployments that failed or were stopped (StageEvents). */
  readonly failedDeployments: IMetric;
  /** The log group of the CodeDeploy agent's deployment log, whose lines name each lifecycle event. */
  readonly deploymentLogGroupName: string;
  readonly alarms: readonly IAlarm[];
}

const MINUTE = Duration.minutes(1);
const WIDE = 8;
const HEIGHT = 6;

export class StageDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: StageDashboardProps) {
    super(scope, id);
    const { loadBalancer: lb, targetGroup: tg } = props;
    const sum = { statistic: 'Sum', period: MINUTE };
    const group = (metricName: string, statistic: string, label: string): Metric =>
      new Metric({
        namespace: 'AWS/AutoScaling',
        metricName,
        dimensionsMap: { AutoScalingGroupName: props.autoScalingGroup.autoScalingGroupName },
        statistic,
        period: MINUTE,
        label,
      });
    const cpu = (statistic: string): Metric =>
      new Metric({
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensionsMap: { AutoScalingGroupName: props.autoScalingGroup.autoScalingGroupName },
        statistic,
        period: MINUTE,
        label: `CPU % (${statistic.toLowerCase()} of hosts)`,
      });
    const host = (metricName: string, statistic: string, label: string): Metric =>
      new Metric({ namespace: props.hostMetricsNamespace, metricName, statistic, period: MINUTE, label });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []): GraphWidget =>
      new GraphWidget({ title, left, right, width: WIDE, height: HEIGHT });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          graph('Requests per minute', [lb.metrics.requestCount({ ...sum, label: 'requests' })]),
          graph('Errors per minute', [
            tg.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { ...sum, label: '5xx from the hosts' }),
            lb.metrics.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, { ...sum, label: '5xx from the load balancer' }),
            tg.metrics.httpCodeTarget(HttpCodeTarget.TARGET_4XX_COUNT, { ...sum, label: '4xx from the hosts' }),
          ]),
          graph(
            'Latency at the hosts (seconds)',
            ['p50', 'p90', 'p99'].map((p) => tg.metrics.targetResponseTime({ statistic: p, period: MINUTE, label: p })),
          ),
        ],
        [
          graph('Hosts', [
            tg.metrics.healthyHostCount({ statistic: 'Minimum', period: MINUTE, label: 'healthy (load balancer)' }),
            tg.metrics.unhealthyHostCount({ statistic: 'Maximum', period: MINUTE, label: 'unhealthy (load balancer)' }),
            group('GroupInServiceInstances', 'Maximum', 'in service (group)'),
            group('GroupDesiredCapacity', 'Maximum', 'desired (scaling)'),
          ]),
          graph('CPU', [cpu('Average'), cpu('Maximum')]),
          graph('Memory and disk used (%)', [
            host(HOST_METRICS.memoryUsedPercent, 'Maximum', 'memory, fullest host'),
            host(HOST_METRICS.diskUsedPercent, 'Maximum', 'root volume, fullest host'),
          ]),
        ],
        [
          graph('Failed or stopped deployments', [props.failedDeployments]),
          new LogQueryWidget({
            title: 'Deployments: lifecycle events per host (newest first)',
            logGroupNames: [props.deploymentLogGroupName],
            queryLines: [
              String.raw`parse @message /\[(?<deployment>d-[A-Z0-9]+)\]LifecycleEvent - (?<event>\w+)/`,
              'filter ispresent(event)',
              'stats latest(event) as lastEvent, max(@timestamp) as at by deployment, @logStream as host',
              'sort at desc',
              'limit 20',
            ],
            width: WIDE,
            height: HEIGHT,
          }),
          new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: WIDE, height: HEIGHT }),
        ],
      ],
    });
  }
}
