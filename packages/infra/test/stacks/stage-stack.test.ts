// A stage stack as configured (no domain: the HTTP-only experiment mode), property by property.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { Match } from 'aws-cdk-lib/assertions';
import {
  ALB_IDLE_TIMEOUT_SECONDS,
  DEPLOY_JOB_TIMEOUT_MINUTES,
  HEALTH_CHECK,
  HEALTH_PATH,
  HOST_NODE_BIN,
  HOST_PATHS,
  NODE_MAJOR,
  RELEASE_PREFIX,
  SERVICE_NAME,
  SERVICE_PORT,
} from '@hello/config/constants';
import {
  STAGE_OUTPUTS,
  artifactBucketName,
  codeDeployApplicationName,
  diffRoleName,
  logGroupNames,
  stageBoundaryPolicyName,
} from '@hello/config/naming';
import { Network } from '../../src/constructs/network.ts';
import { CODEDEPLOY_AGENT_LOG, CODEDEPLOY_DEPLOYMENTS_LOG, HOST_READY_TIMEOUT } from '../../src/stacks/stage-stack.ts';
import { buildTestApp, templateJson } from '../helpers/test-app.ts';
import { userDataText } from '../helpers/user-data-text.ts';

const built = buildTestApp();
const { project } = built;
const staging = built.template(built.stages.staging);
const prod = built.template(built.stages.prod);
const settings = project.stages.staging;

t.test('network', async (t) => {
  // Pinned: a new logical id would replace the VPC and with it every host and the load balancer.
  t.equal(templateJson(staging).Resources[Network.LOGICAL_ID]?.Type, 'AWS::EC2::VPC');
  const azs = Object.values(staging.findResources('AWS::EC2::Subnet')).map(
    (s) => (s as { Properties: { AvailabilityZone: string } }).Properties.AvailabilityZone,
  );
  // Explicit AZ names from config (synth needs no credentials), both used.
  t.same([...new Set(azs)].sort(), [...project.aws.availabilityZones].sort());
  t.doesNotThrow(() => {
    // Public subnets for the ALB and NAT, private ones for the hosts: two per tier.
    staging.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 2);
    staging.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 2);
    // NAT gateways per config: staging saves with one, prod keeps one per AZ.
    staging.resourceCountIs('AWS::EC2::NatGateway', project.stages.staging.natGateways);
    prod.resourceCountIs('AWS::EC2::NatGateway', project.stages.prod.natGateways);
  });
});

t.test('load balancer', async (t) => {
  t.doesNotThrow(() => {
    // Internet-facing, idle timeout below the service keep-alive, malformed headers dropped.
    staging.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: String(ALB_IDLE_TIMEOUT_SECONDS) },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    // Without a domain, one plain HTTP listener forwards to the hosts (experiment mode).
    staging.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    staging.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    // The ALB accepts only port 80 from the internet in this mode.
    staging.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Internet-facing load balancer',
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 })],
    });
  });
});

t.test('the load balancer sends traffic only to the hosts, on the service port', async (t) => {
  const groups = staging.findResources('AWS::EC2::SecurityGroup', {
    Properties: { GroupDescription: 'Internet-facing load balancer' },
  });
  const [albGroup] = Object.keys(groups);
  // An empty SecurityGroupEgress would leave EC2's default allow-all rule: only the match-nothing rule is inline.
  t.same((groups[albGroup!] as { Properties: { SecurityGroupEgress: unknown } }).Properties.SecurityGroupEgress, [
    {
      CidrIp: '255.255.255.255/32',
      Description: 'Disallow all traffic',
      IpProtocol: 'icmp',
      FromPort: 252,
      ToPort: 86,
    },
  ]);
  // The one real egress rule: to the fleet's security group on the service port.
  const egress = Object.values(staging.findResources('AWS::EC2::SecurityGroupEgress')).map(
    (r) => (r as { Properties: Record<string, unknown> }).Properties,
  );
  t.same(
    egress
      .filter((e) => JSON.stringify(e.GroupId).includes(albGroup!))
      .map((e) => [e.IpProtocol, e.FromPort, e.ToPort, JSON.stringify(e.DestinationSecurityGroupId)]),
    [
      [
        'tcp',
        SERVICE_PORT,
        SERVICE_PORT,
        JSON.stringify({
          'Fn::GetAtt': [
            Object.keys(
              staging.findResources('AWS::EC2::SecurityGroup', {
                Properties: { GroupDescription: Match.stringLikeRegexp('Service hosts') },
              }),
            )[0],
            'GroupId',
          ],
        }),
      ],
    ],
  );
});

t.test('target group is tied to @hello/config', async (t) => {
  t.doesNotThrow(() => {
    // The port and health path the service actually serves; HTTPS to the host; the shared thresholds.
    staging.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: SERVICE_PORT,
      Protocol: 'HTTPS',
      HealthCheckProtocol: 'HTTPS',
      HealthCheckPath: HEALTH_PATH,
      HealthCheckIntervalSeconds: HEALTH_CHECK.intervalSeconds,
      HealthCheckTimeoutSeconds: HEALTH_CHECK.timeoutSeconds,
      HealthyThresholdCount: HEALTH_CHECK.healthyThreshold,
      UnhealthyThresholdCount: HEALTH_CHECK.unhealthyThreshold,
      // Draining from config (default ~30 s, not 300 s) keeps deployments fast.
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: String(settings.deregistrationDelaySeconds) },
      ]),
    });
  });
  t.equal(SERVICE_PORT, 8443);
  t.equal(HEALTH_PATH, '/healthz');
});

t.test('auto scaling group', async (t) => {
  t.doesNotThrow(() => {
    // Bounds from config and no desired capacity, so a deployment never resets a scaled-out group;
    // the load balancer's health check replaces a host that stops serving.
    staging.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: String(settings.capacity.min),
      MaxSize: String(settings.capacity.max),
      DesiredCapacity: Match.absent(),
      HealthCheckType: 'ELB',
      // Private subnets of both AZs.
      VPCZoneIdentifier: [
        Match.objectLike({ Ref: Match.stringLikeRegexp('private') }),
        Match.objectLike({ Ref: Match.stringLikeRegexp('private') }),
      ],
      // A launch template, never a launch configuration.
      LaunchTemplate: Match.objectLike({ LaunchTemplateId: Match.anyValue() }),
    });
    staging.resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 0);
    // Rolling replacement keeps the configured minimum in service and waits, bounded, for each new
    // host's signal (sent once it serves the current revision).
    staging.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      UpdatePolicy: {
        AutoScalingRollingUpdate: Match.objectLike({
          MinInstancesInService: Math.min(settings.capacity.min, settings.capacity.max - 1),
          MaxBatchSize: 1,
          WaitOnResourceSignals: true,
          PauseTime: 'PT20M',
        }),
      },
      // The first create waits for the minimum number of hosts too.
      CreationPolicy: { ResourceSignal: { Count: settings.capacity.min, Timeout: 'PT20M' } },
    });
  });
  // The host gives up waiting before CloudFormation does, so its failure signal arrives in time.
  t.ok(HOST_READY_TIMEOUT.toMinutes() < 20);
  // A new stage's hosts are kept until the job that creates the stage has made its first deployment.
  const asg = Object.values(staging.findResources('AWS::AutoScaling::AutoScalingGroup'))[0] as {
    Properties: { HealthCheckGracePeriod: number };
  };
  t.ok(asg.Properties.HealthCheckGracePeriod >= DEPLOY_JOB_TIMEOUT_MINUTES * 60);
});

t.test('launch template', async (t) => {
  t.doesNotThrow(() => {
    staging.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        // Instance type from config.
        InstanceType: settings.instanceType,
        // IMDSv2 only: no token-less metadata reads (SSRF protection).
        MetadataOptions: { HttpTokens: 'required' },
        // Encrypted gp3 root volume.
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) },
        ],
        // No SSH key: access is through Session Manager.
        KeyName: Match.absent(),
      }),
    });
  });
});

t.test('host security group admits only the load balancer on the service port', async (t) => {
  const hostGroups = staging.findResources('AWS::EC2::SecurityGroup', {
    Properties: { GroupDescription: Match.stringLikeRegexp('^Service hosts') },
  });
  const [hostGroup] = Object.keys(hostGroups);
  // No inline ingress (e.g. SSH from anywhere).
  t.notOk(
    (hostGroups[hostGroup!] as { Properties: { SecurityGroupIngress?: unknown } }).Properties.SecurityGroupIngress,
  );
  const ingress = Object.values(staging.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
    .filter((p) => (p.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === hostGroup);
  const albGroup = Object.keys(
    staging.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: 'Internet-facing load balancer' },
    }),
  )[0];
  // One rule: the service port, from the load balancer's security group, nothing else.
  t.same(
    ingress.map((p) => [
      p.FromPort,
      p.ToPort,
      (p.SourceSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
    ]),
    [[SERVICE_PORT, SERVICE_PORT, albGroup]],
  );
  // The load balancer itself can only open connections to the hosts' service port.
  const albEgress = Object.values(staging.findResources('AWS::EC2::SecurityGroupEgress'))
    .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
    .filter((p) => (p.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === albGroup);
  t.same(
    albEgress.map((p) => [
      p.FromPort,
      p.ToPort,
      (p.DestinationSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
    ]),
    [[SERVICE_PORT, SERVICE_PORT, hostGroup]],
  );
});

t.test('instance role: Session Manager, CloudWatch agent, release reads', async (t) => {
  t.doesNotThrow(() => {
    // Session Manager only; the CloudWatch agent gets its stage's log groups (policy simulation test).
    staging.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] },
      ],
      // Every role of the stage carries its boundary.
      PermissionsBoundary: `arn:aws:iam::${project.aws.account}:policy/${stageBoundaryPolicyName(project, 'staging')}`,
    });
    // The CodeDeploy agent reads release zips, only under the release prefix.
    staging.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ReadReleases',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: `arn:aws:s3:::${artifactBucketName(project)}/${RELEASE_PREFIX}*`,
          },
        ]),
      },
    });
  });
});

t.test('user data prepares the host for the CodeDeploy hooks', async (t) => {
  const script = userDataText(staging);
  // Stops at the first failing step instead of leaving a half-configured host, and signals
  // CloudFormation with the script's exit code however it ends.
  t.match(script, /^#!\/bin\/bash\n/);
  t.match(script, /\nset -euo pipefail\n/);
  t.match(script, /trap exitTrap EXIT/);
  t.match(
    script,
    new RegExp(
      `/opt/aws/bin/cfn-signal --stack ${built.stages.staging.stackName} --resource FleetAsg[A-Za-z0-9]+ --region ${project.aws.region} -e \\$exitCode`,
    ),
  );
  // Logrotate's timer runs the rotation the hooks configure.
  t.match(script, 'systemctl enable --now logrotate.timer');
  // The host signals only once it serves the group's last successful revision, or there is none.
  t.match(
    script,
    `--application-name ${codeDeployApplicationName(project, 'staging')} --deployment-group-name staging`,
  );
  t.match(script, `https://127.0.0.1:${SERVICE_PORT}/version`);
  // Node from the AL2023 packages, pinned as /usr/bin/node, checked.
  t.match(script, `dnf install -y nodejs${NODE_MAJOR} `);
  t.match(script, `alternatives --set node /usr/bin/node-${NODE_MAJOR}`);
  t.match(script, `test "$(${HOST_NODE_BIN} -p`);
  // The service user and its directories.
  t.match(script, `useradd --system --user-group --home-dir ${HOST_PATHS.root}`);
  for (const dir of [HOST_PATHS.releases, HOST_PATHS.tlsDir, HOST_PATHS.logDir]) t.match(script, dir);
  t.match(script, ` ${SERVICE_NAME}\n`);
  // CodeDeploy agent from the regional bucket, retried, enabled and running.
  t.match(
    script,
    `retry curl -fsSL -o /tmp/codedeploy-install https://aws-codedeploy-${project.aws.region}.s3.${project.aws.region}.amazonaws.com/latest/install`,
  );
  t.match(script, 'retry /tmp/codedeploy-install auto');
  t.match(script, 'systemctl enable --now codedeploy-agent');
  // CloudWatch agent ships the service log and both CodeDeploy logs into the stage's groups.
  const config = JSON.parse(/<<'CWAGENT_JSON'\n(.*)\nCWAGENT_JSON/s.exec(script)?.[1] ?? '{}') as {
    logs: { logs_collected: { files: { collect_list: { file_path: string; log_group_name: string }[] } } };
  };
  const shipped = config.logs.logs_collected.files.collect_list.map((f) => f.file_path);
  t.same(shipped, [HOST_PATHS.logFile, CODEDEPLOY_AGENT_LOG, CODEDEPLOY_DEPLOYMENTS_LOG]);
  t.match(script, 'amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s');
  // A syntax error would only show up on the host, as an instance that never gets healthy.
  t.equal(spawnSync('bash', ['-n'], { input: script, timeout: 10_000 }).status, 0);
});

t.test('log groups with the stage retention, kept on delete', async (t) => {
  const names = logGroupNames(project, 'staging');
  for (const name of [names.service, names.codeDeployAgent, names.codeDeployDeployments]) {
    t.doesNotThrow(() => {
      // Retention from config; logs outlive a torn-down stack.
      // Kept on delete and replacement; removed only when the first create rolls back, so a retry
      // does not fail on a leftover group of the same name.
      staging.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: name, RetentionInDays: settings.logRetentionDays },
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
    }, name);
  }
  t.doesNotThrow(() =>
    prod.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: logGroupNames(project, 'prod').service,
      RetentionInDays: project.stages.prod.logRetentionDays,
    }),
  );
});

t.test('CodeDeploy', async (t) => {
  t.doesNotThrow(() => {
    // Names the release CLI and the hooks rely on: the group is the stage.
    staging.hasResourceProperties('AWS::CodeDeploy::Application', {
      ApplicationName: codeDeployApplicationName(project, 'staging'),
      ComputePlatform: 'Server',
    });
    staging.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentGroupName: 'staging',
      // Deployment config from config (staging all at once, prod one at a time).
      DeploymentConfigName: project.stages.staging.deploymentConfig,
      // The fleet's ASG: new hosts get the last successful revision.
      AutoScalingGroups: [Match.objectLike({ Ref: Match.stringLikeRegexp('FleetAsg') })],
      // Traffic control: hosts leave the target group before the service stops.
      DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      LoadBalancerInfo: { TargetGroupInfoList: [Match.anyValue()] },
      // Roll back on failure, on stop and on alarm.
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
      },
      AlarmConfiguration: { Enabled: true, Alarms: [Match.anyValue(), Match.anyValue()] },
      // Scale-in waits for CodeDeploy to drain the host.
      TerminationHookEnabled: true,
    });
    prod.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentGroupName: 'prod',
      DeploymentConfigName: project.stages.prod.deploymentConfig,
    });
    // The alarms watch the hosts' 5xx responses and unhealthy hosts.
    staging.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HTTPCode_Target_5XX_Count',
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Sum',
      Period: 60,
    });
    staging.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'UnHealthyHostCount',
      Namespace: 'AWS/ApplicationELB',
      Threshold: 1,
    });
  });
  // No data (no traffic, no registered targets) is not a regression: only real 5xx or unhealthy
  // hosts stop a deployment. A new stage's UnHealthyHostCount alarm is the one the release CLI
  // overrides for the group's first deployment (docs/aws-setup.md).
  const group = Object.values(staging.findResources('AWS::CodeDeploy::DeploymentGroup'))[0] as {
    Properties: { AlarmConfiguration: { Alarms: { Name: { Ref: string } }[] } };
  };
  const resources = templateJson(staging).Resources as unknown as Record<
    string,
    { Properties: Record<string, string> }
  >;
  const rollbackAlarms = group.Properties.AlarmConfiguration.Alarms.map((a) => resources[a.Name.Ref]!.Properties);
  t.same(rollbackAlarms.map((a) => [a.MetricName, a.TreatMissingData]).sort(), [
    ['HTTPCode_Target_5XX_Count', 'notBreaching'],
    ['UnHealthyHostCount', 'notBreaching'],
  ]);
});

t.test('each stage deploys through its own bootstrap qualifier and diffs through the diff role', async (t) => {
  for (const stage of ['staging', 'prod'] as const) {
    const artifact = built.app.synth().getStackByName(built.stages[stage].stackName);
    const q = project.stages[stage].bootstrapQualifier;
    const { account, region } = project.aws;
    t.equal(
      artifact.assumeRoleArn,
      `arn:\${AWS::Partition}:iam::${account}:role/cdk-${q}-deploy-role-${account}-${region}`,
      `${stage} deploy role`,
    );
    t.equal(
      artifact.cloudFormationExecutionRoleArn,
      `arn:\${AWS::Partition}:iam::${account}:role/cdk-${q}-cfn-exec-role-${account}-${region}`,
      `${stage} execution role`,
    );
    t.equal(
      artifact.lookupRole?.arn,
      `arn:\${AWS::Partition}:iam::${account}:role/${diffRoleName(project)}`,
      `${stage} lookup role`,
    );
  }
});

t.test('outputs', async (t) => {
  const outputs = staging.toJSON().Outputs as Record<string, { Value: unknown }>;
  // The release CLI reads these keys with DescribeStacks.
  t.same(Object.keys(outputs).sort(), Object.values(STAGE_OUTPUTS).sort());
  // Experiment mode: plain HTTP on the load balancer's own name.
  const alb = Object.keys(staging.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0];
  t.same(outputs[STAGE_OUTPUTS.endpointUrl]?.Value, {
    'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [alb, 'DNSName'] }]],
  });
});

t.test('cdk-nag: no unacknowledged finding', async (t) => {
  // Synthesis runs the AwsSolutions plugin and throws on any finding.
  t.doesNotThrow(() => built.app.synth({ force: true }));
  t.same(built.nag.validateScope(built.stages.staging).violations, []);
  t.same(built.nag.validateScope(built.stages.prod).violations, []);
});
