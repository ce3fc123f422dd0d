import { spawnSync } from 'node:child_process';
import t from 'tap';
import { Match, Template } from 'aws-cdk-lib/assertions';
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
  bootstrapExecutionPolicyName,
  foundationStackName,
} from '@hello/config/naming';
import { Network } from '../../src/constructs/network.ts';
import {
  CODEDEPLOY_AGENT_LOG,
  CODEDEPLOY_DEPLOYMENTS_LOG,
  HOST_READY_TIMEOUT,
  hostMetricsNamespace,
} from '../../src/stacks/stage-stack.ts';
import { buildTestApp, templateJson, projectWith } from '../helpers/test-app.ts';
import { userDataText } from '../helpers/user-data-text.ts';
import { TLS_POLICY } from '../../src/constructs/web-load-balancer.ts';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { InstanceType, MachineImage } from 'aws-cdk-lib/aws-ec2';
import { ApplicationLoadBalancer, ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StageName } from '@hello/config/define-project';
import { AlarmTopic } from '../../src/constructs/alarm-topic.ts';
import { HOST_METRICS } from '../../src/constructs/cloud-watch-agent-config.ts';
import { PinnedMachineImage } from '../../src/constructs/pinned-machine-image.ts';
import { StageAlarms, type StageAlarmsProps } from '../../src/constructs/stage-alarms.ts';
import { createActionOf, stageResourceTypeProblems } from '../../src/stacks/stage-resource-types.ts';
import { fixtureProject as project } from '../helpers/fixture-project.ts';
import { scratchStack, scratchVpc } from '../helpers/scratch-stack.ts';

// A stage stack as configured (no domain: the HTTP-only experiment mode), property by property.
t.test('stage stack', async (t) => {
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
});

// Stage stacks with a domain: staging with a DNS-validated certificate and alias, prod with an imported certificate.
t.test('stage stack with HTTPS', async (t) => {
  const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
  const project = projectWith((s) => ({
    ...s,
    github: {
      ...s.github,
      oidcProviderArn: `arn:aws:iam::${s.aws.account}:oidc-provider/token.actions.githubusercontent.com`,
    },
    stages: {
      staging: {
        ...s.stages.staging,
        domain: { zoneName: 'example.com', subdomain: 'staging', hostedZoneId: ZONE_ID },
      },
      prod: {
        ...s.stages.prod,
        domain: {
          zoneName: 'example.com',
          subdomain: '',
          certificateArn: `arn:aws:acm:${s.aws.region}:${s.aws.account}:certificate/12345678-1234-1234-1234-123456789012`,
        },
      },
    },
  }));
  const built = buildTestApp(project);
  const staging = built.template(built.stages.staging);
  const prod = built.template(built.stages.prod);
  const foundation = built.template(built.foundation);

  t.test('certificate: DNS-validated in the hosted zone, or imported', async (t) => {
    t.doesNotThrow(() => {
      // ACM validates the stage's name through a record in the configured zone.
      staging.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'staging.example.com',
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: 'staging.example.com', HostedZoneId: ZONE_ID }],
      });
      // An imported certificate is used as is: nothing new is requested.
      prod.resourceCountIs('AWS::CertificateManager::Certificate', 0);
      prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Certificates: [{ CertificateArn: project.stages.prod.domain?.certificateArn }],
      });
    });
  });

  t.test('HTTPS on 443 with a TLS 1.3 policy, 80 redirects', async (t) => {
    t.match(TLS_POLICY, /^ELBSecurityPolicy-TLS13-/);
    for (const template of [staging, prod]) {
      t.doesNotThrow(() => {
        // HTTPS forwards to the hosts under a TLS 1.3 policy.
        template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
          Port: 443,
          Protocol: 'HTTPS',
          SslPolicy: TLS_POLICY,
          DefaultActions: [Match.objectLike({ Type: 'forward' })],
        });
        // Plain HTTP only redirects, permanently, to HTTPS.
        template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [
            { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
          ],
        });
        template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
        // The internet reaches 443 and 80 (for the redirect) only.
        template.hasResourceProperties('AWS::EC2::SecurityGroup', {
          GroupDescription: 'Internet-facing load balancer',
          SecurityGroupIngress: [Match.objectLike({ FromPort: 443 }), Match.objectLike({ FromPort: 80 })],
        });
      });
    }
  });

  t.test('Route 53 alias when the zone is managed here', async (t) => {
    t.doesNotThrow(() => {
      // <subdomain>.<zone> points at the load balancer.
      staging.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'staging.example.com.',
        Type: 'A',
        HostedZoneId: ZONE_ID,
        AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
      });
      // Without a hosted zone id the user points DNS at the load balancer themselves.
      prod.resourceCountIs('AWS::Route53::RecordSet', 0);
    });
  });

  t.test('endpoint URL is the HTTPS domain name', async (t) => {
    // Smoke tests hit the name clients use, over HTTPS.
    t.equal(templateJson(staging).Outputs[STAGE_OUTPUTS.endpointUrl]?.Value, 'https://staging.example.com');
    // An empty subdomain is the zone apex.
    t.equal(templateJson(prod).Outputs[STAGE_OUTPUTS.endpointUrl]?.Value, 'https://example.com');
  });

  t.test('an existing GitHub OIDC provider is imported, not created', async (t) => {
    t.doesNotThrow(() => {
      // An account holds one provider per URL: creating a second one fails the deploy.
      foundation.resourceCountIs('AWS::IAM::OIDCProvider', 0);
      foundation.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Federated: project.github.oidcProviderArn } })],
        },
      });
    });
  });

  t.test('cdk-nag: no unacknowledged finding', async (t) => {
    // Synthesis runs the AwsSolutions plugin and throws on any finding.
    t.doesNotThrow(() => built.app.synth({ force: true }));
    t.same(built.nag.validateScope(built.app).violations, []);
  });
});

// Running a stage, for a fixture project: alarms and events that reach a person (staging with its
// own topic and an e-mail, prod with an existing topic), the dashboard, host metrics, scaling, the
// pinned image, and the synth-time check that the execution policy allows every resource type.
// Then the constructs behind them on their own (StageAlarms, AlarmTopic, PinnedMachineImage, the
// resource-type check): one file, so the suite loads aws-cdk-lib once for all of them.
t.test('stage operations', async (t) => {
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

  t.test(
    'a dashboard per stage shows requests, errors, latency, hosts, CPU, memory, disk and deployments',
    async (t) => {
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
    },
  );

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

  function alarmProps(
    stack: ReturnType<typeof scratchStack>,
    change: Partial<StageAlarmsProps> = {},
  ): StageAlarmsProps {
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
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'app-staging-p99-latency',
        Threshold: 0.25,
      });
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
    t.match(
      problems[0],
      /creates AWS::DynamoDB::Table, .*needs dynamodb:CreateTable, which the stage boundary denies\)/,
    );
    t.match(
      problems[1],
      /creates AWS::SSM::Parameter, which its CDK execution policy exec-staging does not allow \(CloudFormation needs ssm:PutParameter\)/,
    );
    t.match(problems[1], 'pnpm infra:deploy app-foundation');
  });
});
