// Running a stage, for a fixture project: alarms and events that reach a person (staging with its
// own topic and an e-mail, prod with an existing topic), the dashboard, host metrics, scaling, the
// pinned image, and the synth-time check that the execution policy allows every resource type.
// Then the constructs behind them on their own (StageAlarms, AlarmTopic, PinnedMachineImage, the
// resource-type check): one file, so the suite loads aws-cdk-lib once for all of them.
import t from 'tap';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { InstanceType, MachineImage } from 'aws-cdk-lib/aws-ec2';
import { ApplicationLoadBalancer, ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DEPLOY_JOB_TIMEOUT_MINUTES } from '@hello/config/constants';
import type { StageName } from '@hello/config/define-project';
import { bootstrapExecutionPolicyName, codeDeployApplicationName, foundationStackName } from '@hello/config/naming';
import { AlarmTopic } from '../../src/constructs/alarm-topic.ts';
import { HOST_METRICS } from '../../src/constructs/cloud-watch-agent-config.ts';
import { PinnedMachineImage } from '../../src/constructs/pinned-machine-image.ts';
import { StageAlarms, type StageAlarmsProps } from '../../src/constructs/stage-alarms.ts';
import { createActionOf, stageResourceTypeProblems } from '../../src/stacks/stage-resource-types.ts';
import { hostMetricsNamespace } from '../../src/stacks/stage-stack.ts';
import { fixtureProject as project } from '../helpers/fixture-project.ts';
import { scratchStack, scratchVpc } from '../helpers/scratch-stack.ts';
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
    metrics: { namespace: string; aggregation_dimensions: string[][]; metrics_collected: object } & object;
  };
  t.equal(config.metrics.namespace, namespace);
  // The agent refuses the whole file for a key its schema does not list in the metrics section
  // (amazon-cloudwatch-agent translator/config/schema.json, metricsDefinition, additionalProperties
  // false), and the host's boot fails with it.
  const allowed = [
    'namespace',
    'aggregation_dimensions',
    'append_dimensions',
    'metrics_destinations',
    'metrics_collected',
    'force_flush_interval',
    'credentials',
    'endpoint_override',
    'service.name',
    'deployment.environment',
  ];
  t.same(
    Object.keys(config.metrics).filter((k) => !allowed.includes(k)),
    [],
  );
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

// The constructs on their own.

function alarmProps(stack: ReturnType<typeof scratchStack>, change: Partial<StageAlarmsProps> = {}): StageAlarmsProps {
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
  new StageAlarms(stack, 'A', alarmProps(stack, { thresholds: { p99Seconds: 0.25, diskPercent: 70 } }));
  const template = Template.fromStack(stack);
  t.doesNotThrow(() => {
    // A stricter latency goal and an earlier disk warning, the other defaults untouched.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'app-staging-p99-latency', Threshold: 0.25 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'app-staging-host-disk', Threshold: 70 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'app-staging-host-memory', Threshold: 90 });
  });
  const other = scratchStack();
  t.throws(() => new StageAlarms(other, 'A', alarmProps(other, { thresholds: { memoryPercent: 0 } })), {
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

t.test('nothing pinned: a rule fails every create and update, naming the command that pins one', async (t) => {
  const stack = scratchStack();
  const image = new PinnedMachineImage(stack, 'Image', { instanceType: 't4g.small', images: undefined });
  t.equal(image.machineImage, undefined);
  t.equal(image.description, 'unpinned');
  const rules = Object.values((Template.fromStack(stack).toJSON() as { Rules: object }).Rules) as {
    Assertions: { Assert: { 'Fn::Contains': [string[], string] }; AssertDescription: string }[];
  }[];
  const pinned = rules.find((r) => r.Assertions[0]?.AssertDescription.startsWith('No Amazon Linux image'));
  const [list, value] = pinned!.Assertions[0]!.Assert['Fn::Contains'];
  // An assertion that can never hold: CloudFormation checks it before changing anything.
  t.notOk(list.includes(value));
  t.match(pinned!.Assertions[0]!.AssertDescription, 'run pnpm ami:update');
});

t.test("the instance type's architecture picks the image", async (t) => {
  const images = {
    region: 'us-east-1',
    images: {
      arm64: { id: 'ami-0abcdef1234567890', name: 'arm', created: '2099-01-01T00:00:00.000Z' },
      x86_64: { id: 'ami-0fedcba0987654321', name: 'x86', created: '2099-01-01T00:00:00.000Z' },
    },
  };
  for (const [instanceType, arch] of [
    ['t4g.small', 'arm64'],
    ['c7gn.large', 'arm64'],
    ['t3.small', 'x86_64'],
    ['m7i-flex.large', 'x86_64'],
  ] as const) {
    const stack = scratchStack();
    const image = new PinnedMachineImage(stack, 'Image', { instanceType, images });
    t.equal(image.architecture, arch, instanceType);
    t.equal(image.machineImage?.getImage(stack).imageId, images.images[arch].id, instanceType);
  }
});

t.test('the create call of a type: its service prefix, the known exceptions, custom resources', async (t) => {
  t.equal(createActionOf('AWS::SQS::Queue'), 'sqs:CreateQueue');
  t.equal(createActionOf('AWS::ElasticLoadBalancingV2::Listener'), 'elasticloadbalancing:CreateListener');
  // Types whose create call is not Create<Type> carry it in the table.
  t.equal(createActionOf('AWS::SSM::Parameter'), 'ssm:PutParameter');
  // A custom resource is its provider function being invoked.
  t.equal(createActionOf('Custom::VpcRestrictDefaultSG'), 'lambda:InvokeFunction');
  // CDK's metadata resource is CloudFormation's own business.
  t.equal(createActionOf('AWS::CDK::Metadata'), undefined);
});

t.test('a type is allowed by a matching action of the policy unless the boundary denies it outright', async (t) => {
  const stack = scratchStack();
  for (const type of ['AWS::SQS::Queue', 'AWS::SSM::Parameter', 'AWS::DynamoDB::Table', 'AWS::CDK::Metadata'])
    new CfnResource(stack, type.replace(/:/g, ''), { type });
  // The policies live in the foundation, not in the stage being checked.
  const foundation = new Stack(stack.node.scope, 'Foundation');
  const executionPolicy = new ManagedPolicy(foundation, 'Exec', {
    statements: [
      new PolicyStatement({ actions: ['SQS:*', 'ssm:GetParameter'], resources: ['*'] }),
      new PolicyStatement({ actions: ['dynamodb:Create*'], resources: ['*'] }),
    ],
  });
  const boundary = new ManagedPolicy(foundation, 'Boundary', {
    statements: [
      new PolicyStatement({ actions: ['*'], resources: ['*'] }),
      new PolicyStatement({ effect: Effect.DENY, actions: ['dynamodb:*'], resources: ['*'] }),
      // NotAction statements name no action to match (the stage's boundary has none).
      new PolicyStatement({ effect: Effect.DENY, notActions: ['*'], resources: ['*'] }),
      // A conditional deny leaves the type to the resource-level rules.
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['sqs:*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:ResourceTag/stage': 'prod' } },
      }),
    ],
  });
  const problems = stageResourceTypeProblems(stack, {
    executionPolicy,
    executionPolicyName: 'exec-staging',
    boundary,
    foundationStackName: 'app-foundation',
  });
  t.equal(problems.length, 2);
  t.match(problems[0], /creates AWS::DynamoDB::Table, .*needs dynamodb:CreateTable, which the stage boundary denies\)/);
  t.match(
    problems[1],
    /creates AWS::SSM::Parameter, which its CDK execution policy exec-staging does not allow \(CloudFormation needs ssm:PutParameter\)/,
  );
  t.match(problems[1], 'pnpm infra:deploy app-foundation');
});
