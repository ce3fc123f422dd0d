// Running a stage, for a fixture project: alarms and events that reach a person (staging with its
// own topic and an e-mail, prod with an existing topic), the dashboard, host metrics, scaling, and
// the synth-time check that the execution policy allows every resource type.
import t from 'tap';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DEPLOY_JOB_TIMEOUT_MINUTES } from '@hello/config/constants';
import type { StageName } from '@hello/config/define-project';
import { bootstrapExecutionPolicyName, codeDeployApplicationName, foundationStackName } from '@hello/config/naming';
import { HOST_METRICS } from '../../src/constructs/cloud-watch-agent-config.ts';
import { hostMetricsNamespace } from '../../src/stacks/stage-stack.ts';
import { fixtureProject as project } from '../helpers/fixture-project.ts';
import { buildTestApp } from '../helpers/test-app.ts';
import { userDataText } from '../helpers/user-data-text.ts';

const built = buildTestApp(project);
const staging = built.template(built.stages.staging);
const prod = built.template(built.stages.prod);
const stackName = (stage: StageName) => built.stages[stage].stackName;

type Props = Record<string, unknown>;
const propsOf = (template: Template, type: string): Props[] =>
  Object.values(template.findResources(type)).map((r) => (r as { Properties: Props }).Properties);
const onlyId = (template: Template, type: string): string => {
  const ids = Object.keys(template.findResources(type));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0]!;
};

t.test('staging: its own alarm topic, subscribed by e-mail, open to CloudWatch and EventBridge only', async (t) => {
  const topic = onlyId(staging, 'AWS::SNS::Topic');
  t.doesNotThrow(() => {
    // A name a person recognises in the mail, and every configured address subscribed.
    staging.hasResourceProperties('AWS::SNS::Topic', { TopicName: `${stackName('staging')}-alarms` });
    staging.resourceCountIs('AWS::SNS::Subscription', project.stages.staging.alarms.emails.length);
    staging.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: project.stages.staging.alarms.emails[0],
      TopicArn: { Ref: topic },
    });
    // CloudWatch may publish only for alarms of this account and region; plain HTTP is refused.
    staging.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': project.aws.account },
              ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${project.aws.region}:${project.aws.account}:alarm:*` },
            },
          }),
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });
});

t.test('every alarm tells the topic when it goes off and when it ends', async (t) => {
  const topic = { Ref: onlyId(staging, 'AWS::SNS::Topic') };
  const alarms = propsOf(staging, 'AWS::CloudWatch::Alarm');
  const notifying = alarms.filter((a) => JSON.stringify(a.AlarmActions) === JSON.stringify([topic]));
  // 5xx rate, p99, memory, disk, missing hosts, and CodeDeploy's unhealthy-host alarm.
  t.same(
    notifying.map((a) => a.MetricName ?? a.AlarmName).sort(),
    [
      'UnHealthyHostCount',
      `${stackName('staging')}-5xx-rate`,
      `${stackName('staging')}-hosts-missing`,
      HOST_METRICS.diskUsedPercent,
      HOST_METRICS.memoryUsedPercent,
      'TargetResponseTime',
    ].sort(),
  );
  for (const a of notifying) t.same(a.OKActions, [topic], `${String(a.AlarmName ?? a.MetricName)} sends OK too`);
  t.doesNotThrow(() => {
    // The error rate counts the load balancer's own 5xx (no healthy host) as well as the hosts'.
    staging.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${stackName('staging')}-5xx-rate`,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('hosts.*balancer.*/ requests') }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'HTTPCode_ELB_5XX_Count' }) }),
        }),
      ]),
      TreatMissingData: 'notBreaching',
    });
    // Memory and disk from the CloudWatch agent: the fullest host of the stage's namespace.
    staging.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: hostMetricsNamespace(project, 'staging'),
      MetricName: HOST_METRICS.memoryUsedPercent,
      Statistic: 'Maximum',
    });
    // p99 of the hosts' response time.
    staging.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'TargetResponseTime',
      ExtendedStatistic: 'p99',
    });
  });
});

t.test('failed deployments, failed launches and health replacements go to the topic as events', async (t) => {
  const topic = { Ref: onlyId(staging, 'AWS::SNS::Topic') };
  const rules = propsOf(staging, 'AWS::Events::Rule');
  t.equal(rules.length, 3);
  for (const rule of rules) t.match(rule.Targets, [{ Arn: topic }], String(rule.Description));
  t.doesNotThrow(() => {
    // Only this stage's group, and only deployments that failed or were stopped.
    staging.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.codedeploy'],
        detail: {
          application: [codeDeployApplicationName(project, 'staging')],
          deploymentGroup: ['staging'],
          state: ['FAILURE', 'STOP'],
        },
      },
    });
    staging.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'detail-type': ['EC2 Instance Launch Unsuccessful'] }),
    });
  });
});

t.test('prod publishes to the existing topic from the settings, through a role', async (t) => {
  const arn = project.stages.prod.alarms.topicArn;
  prod.resourceCountIs('AWS::SNS::Topic', 0);
  for (const a of propsOf(prod, 'AWS::CloudWatch::Alarm').filter((p) => p.AlarmActions !== undefined)) {
    t.same([a.AlarmActions, a.OKActions], [[arn], [arn]], String(a.AlarmName ?? a.MetricName));
  }
  // Its policy is not the stage's to change: EventBridge publishes with a role of the stage.
  for (const rule of propsOf(prod, 'AWS::Events::Rule')) {
    t.match(rule.Targets, [{ Arn: arn, RoleArn: { 'Fn::GetAtt': [String, 'Arn'] } }]);
  }
});

t.test('a dashboard per stage shows requests, errors, latency, hosts, CPU, memory, disk and deployments', async (t) => {
  const [dashboard] = propsOf(staging, 'AWS::CloudWatch::Dashboard');
  t.equal(dashboard?.DashboardName, stackName('staging'));
  const body = JSON.stringify(dashboard?.DashboardBody);
  for (const shown of [
    'RequestCount',
    'HTTPCode_Target_5XX_Count',
    'TargetResponseTime',
    'HealthyHostCount',
    'GroupInServiceInstances',
    'CPUUtilization',
    HOST_METRICS.memoryUsedPercent,
    HOST_METRICS.diskUsedPercent,
    'LifecycleEvent',
  ])
    t.match(body, shown);
});

t.test('hosts report memory and disk into their own namespace only', async (t) => {
  const namespace = hostMetricsNamespace(project, 'staging');
  const config = JSON.parse(/<<'CWAGENT_JSON'\n(.*)\nCWAGENT_JSON/s.exec(userDataText(staging))?.[1] ?? '{}') as {
    metrics: { namespace: string; aggregation_dimensions: string[][]; metrics_collected: object };
  };
  t.equal(config.metrics.namespace, namespace);
  t.same(Object.keys(config.metrics.metrics_collected).sort(), ['disk', 'mem']);
  // The roll-up without dimensions is the series the alarms watch.
  t.same(config.metrics.aggregation_dimensions, [[]]);
  t.doesNotThrow(() =>
    staging.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'PublishHostMetrics',
            Effect: 'Allow',
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': namespace } },
          },
        ]),
      },
    }),
  );
});

t.test('target tracking from the settings, between min and max, never a desired capacity', async (t) => {
  const targets = (template: Template) =>
    propsOf(template, 'AWS::AutoScaling::ScalingPolicy').map((p) => {
      const c = p.TargetTrackingConfiguration as {
        TargetValue: number;
        PredefinedMetricSpecification: { PredefinedMetricType: string };
      };
      return [c.PredefinedMetricSpecification.PredefinedMetricType, c.TargetValue];
    });
  const wanted = (stage: StageName) => {
    const { cpuPercent, requestsPerHostPerMinute } = project.stages[stage].scaling;
    return [
      ...(cpuPercent === undefined ? [] : [['ASGAverageCPUUtilization', cpuPercent]]),
      ...(requestsPerHostPerMinute === undefined ? [] : [['ALBRequestCountPerTarget', requestsPerHostPerMinute]]),
    ];
  };
  t.same(targets(staging), wanted('staging'));
  t.same(targets(prod).sort(), wanted('prod').sort());
  for (const [stage, template] of [
    ['staging', staging],
    ['prod', prod],
  ] as const) {
    t.doesNotThrow(() =>
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        MinSize: String(project.stages[stage].capacity.min),
        MaxSize: String(project.stages[stage].capacity.max),
        DesiredCapacity: Match.absent(),
        HealthCheckType: 'ELB',
        HealthCheckGracePeriod: DEPLOY_JOB_TIMEOUT_MINUTES * 60,
      }),
    );
  }
});

t.test('each stage boots the image pinned for its architecture, and says which in an output', async (t) => {
  const images = project.machineImages!.images;
  // The fixture's staging is x86 (t3), prod Graviton (m7g): each takes its own architecture's image.
  for (const [template, image] of [
    [staging, images.x86_64],
    [prod, images.arm64],
  ] as const) {
    t.doesNotThrow(() =>
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: Match.objectLike({ ImageId: image.id }),
      }),
    );
    const json = template.toJSON() as {
      Outputs: Record<string, { Value: unknown }>;
      Parameters: object;
      Rules: object;
    };
    t.equal(json.Outputs.MachineImage?.Value, `${image.id} ${image.name}`);
    // Nothing resolved at deploy time, and no rule refusing the deploy.
    t.notMatch(Object.keys(json.Parameters), [/ami/i]);
    t.same(Object.keys(json.Rules), ['CheckBootstrapVersion']);
  }
});

t.test('a resource type the execution policy does not allow fails the synth, saying what to do', async (t) => {
  const other = buildTestApp(project);
  new Queue(other.stages.staging, 'Jobs');
  t.throws(() => other.app.synth(), {
    message: new RegExp(
      [
        `${stackName('staging')} creates AWS::SQS::Queue`,
        `its CDK execution policy ${bootstrapExecutionPolicyName(project, 'staging')} does not allow`,
        'sqs:CreateQueue',
        'StageDeploymentPolicies \\(packages/infra/src/constructs/stage-deployment-policies.ts\\)',
        `an administrator must deploy the foundation \\(pnpm infra:deploy ${foundationStackName(project)}\\)`,
      ].join('.*'),
    ),
  });
});
