// One stage (staging or prod): network, load balancer, hosts and CodeDeploy, sized from @hello/config.
import { posix } from 'node:path';
import { ArnFormat, CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { ManagedPolicy, PermissionsBoundary, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
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
  VERSION_PATH,
} from '@hello/config/constants';
import type { ProjectSettings, StageName, StageSettings } from '@hello/config/define-project';
import {
  STAGE_OUTPUTS,
  artifactBucketName,
  codeDeployApplicationName,
  deploymentGroupName,
  logGroupNames,
  parameterPath,
  stageBoundaryPolicyName,
} from '@hello/config/naming';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { cloudWatchAgentConfig } from '../constructs/cloud-watch-agent-config.ts';
import { CodeDeployment } from '../constructs/code-deployment.ts';
import { grantStageParameters } from '../constructs/grant-stage-parameters.ts';
import { HostLogGroups } from '../constructs/host-log-groups.ts';
import { hostUserData } from '../constructs/host-user-data.ts';
import { Network } from '../constructs/network.ts';
import { PinnedMachineImage } from '../constructs/pinned-machine-image.ts';
import { StageAlarms } from '../constructs/stage-alarms.ts';
import { StageDashboard } from '../constructs/stage-dashboard.ts';
import { StageDomain } from '../constructs/stage-domain.ts';
import { StageEvents } from '../constructs/stage-events.ts';
import { WebFleet } from '../constructs/web-fleet.ts';
import { WebLoadBalancer } from '../constructs/web-load-balancer.ts';

/** Where the CodeDeploy agent writes its own log and the deployments' script output. */
export const CODEDEPLOY_AGENT_LOG = '/var/log/aws/codedeploy-agent/codedeploy-agent.log';
export const CODEDEPLOY_DEPLOYMENTS_LOG =
  '/opt/codedeploy-agent/deployment-root/deployment-logs/codedeploy-agent-deployments.log';

/** How long a new host may take to serve; CloudFormation waits 5 minutes more for its signal. */
export const HOST_READY_TIMEOUT = Duration.minutes(15);
const SIGNAL_TIMEOUT = HOST_READY_TIMEOUT.plus(Duration.minutes(5));

/**
 * A new stage's hosts have nothing to serve until its first deployment, which the pipeline job that
 * creates the stack makes before the job's timeout ends: a grace period as long as that job keeps
 * them from being replaced before it. Later hosts pass CodeDeploy's launch hook before InService.
 */
export const HEALTH_CHECK_GRACE = Duration.minutes(DEPLOY_JOB_TIMEOUT_MINUTES);

/** The CloudWatch namespace of a stage's host metrics; its hosts may publish to no other. */
export const hostMetricsNamespace = (project: { readonly name: string }, stage: StageName): string =>
  `${project.name}/${stage}`;

export interface StageStackProps extends StackProps {
  readonly project: Pick<ProjectSettings, 'name' | 'github' | 'aws' | 'machineImages'>;
  readonly stage: StageName;
  readonly settings: StageSettings;
}

/** Composes the stage's constructs and exports what the release CLI reads back (STAGE_OUTPUTS). */
export class StageStack extends Stack {
  private readonly configuredAzs: readonly string[];

  constructor(scope: Construct, id: string, props: StageStackProps) {
    super(scope, id, props);
    const { project, stage, settings } = props;
    this.configuredAzs = project.aws.availabilityZones;
    // Every role the stack creates carries the stage's boundary: the execution role may create no other.
    PermissionsBoundary.of(this).apply(
      ManagedPolicy.fromManagedPolicyName(this, 'Boundary', stageBoundaryPolicyName(project, stage)),
    );
    const { vpc } = new Network(this, 'Network', {
      availabilityZones: project.aws.availabilityZones,
      natGateways: settings.natGateways,
    });
    const domain =
      settings.domain === undefined ? undefined : new StageDomain(this, 'Domain', { domain: settings.domain });
    const web = new WebLoadBalancer(this, 'Web', {
      vpc,
      targetPort: SERVICE_PORT,
      healthCheckPath: HEALTH_PATH,
      healthCheck: HEALTH_CHECK,
      idleTimeoutSeconds: ALB_IDLE_TIMEOUT_SECONDS,
      deregistrationDelaySeconds: settings.deregistrationDelaySeconds,
      ...(domain === undefined ? {} : { certificate: domain.certificate }),
    });
    domain?.aliasTo(web.loadBalancer);

    const logs = new HostLogGroups(this, 'Logs', {
      names: logGroupNames(project, stage),
      files: {
        service: HOST_PATHS.logFile,
        codeDeployAgent: CODEDEPLOY_AGENT_LOG,
        codeDeployDeployments: CODEDEPLOY_DEPLOYMENTS_LOG,
      },
      retentionDays: settings.logRetentionDays,
    });
    const userData = hostUserData({
      region: this.region,
      nodeMajor: NODE_MAJOR,
      nodeBin: HOST_NODE_BIN,
      serviceUser: SERVICE_NAME,
      directories: {
        root: HOST_PATHS.root,
        releases: HOST_PATHS.releases,
        config: posix.dirname(HOST_PATHS.envFile),
        tls: HOST_PATHS.tlsDir,
        logs: HOST_PATHS.logDir,
      },
      cloudWatchAgentConfigJson: this.toJsonString(
        cloudWatchAgentConfig({ files: logs.shipped, metricsNamespace: hostMetricsNamespace(project, stage) }),
      ),
      readiness: {
        applicationName: codeDeployApplicationName(project, stage),
        deploymentGroupName: deploymentGroupName(stage),
        versionUrl: `https://127.0.0.1:${SERVICE_PORT}${VERSION_PATH}`,
        timeoutSeconds: HOST_READY_TIMEOUT.toSeconds(),
      },
    });
    const image = new PinnedMachineImage(this, 'Image', {
      instanceType: settings.instanceType,
      images: project.machineImages,
    });
    const fleet = new WebFleet(this, 'Fleet', {
      vpc,
      instanceType: settings.instanceType,
      ...(image.machineImage === undefined ? {} : { machineImage: image.machineImage }),
      capacity: settings.capacity,
      scaling: settings.scaling,
      healthCheckGracePeriod: HEALTH_CHECK_GRACE,
      servicePort: SERVICE_PORT,
      loadBalancerSecurityGroup: web.securityGroup,
      targetGroup: web.targetGroup,
      releaseBucket: Bucket.fromBucketName(this, 'ArtifactBucket', artifactBucketName(project)),
      releasePrefix: RELEASE_PREFIX,
      userData,
      signalTimeout: SIGNAL_TIMEOUT,
    });
    // The CloudWatch agent only creates streams in, and writes to, these groups (it never creates one).
    for (const { logGroup } of logs.shipped) logGroup.grantWrite(fleet.role);
    // AfterInstall reads the stage's settings and secrets (project.ts `parameters`), no other stage's.
    grantStageParameters(fleet.role, parameterPath(project, stage));
    // The readiness check reads the group's last successful revision. A literal ARN: a reference
    // would make the hosts wait for the group, which waits for the hosts.
    fleet.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadOwnDeploymentGroup',
        actions: ['codedeploy:GetDeploymentGroup', 'codedeploy:GetDeployment'],
        resources: [
          this.formatArn({
            service: 'codedeploy',
            resource: 'deploymentgroup',
            resourceName: `${codeDeployApplicationName(project, stage)}/${deploymentGroupName(stage)}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    // The CloudWatch agent's memory and disk figures, only into the stage's own namespace.
    fleet.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PublishHostMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': hostMetricsNamespace(project, stage) } },
      }),
    );
    Validations.of(fleet.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "PutMetricData supports no resource type; the condition limits it to the stage's own namespace.",
    });
    const deployment = new CodeDeployment(this, 'Deployment', {
      applicationName: codeDeployApplicationName(project, stage),
      deploymentGroupName: deploymentGroupName(stage),
      deploymentConfigName: settings.deploymentConfig,
      autoScalingGroup: fleet.autoScalingGroup,
      targetGroup: web.targetGroup,
    });

    const topic = new AlarmTopic(this, 'AlarmTopic', {
      topicName: `${this.stackName}-alarms`,
      emails: settings.alarms.emails,
      ...(settings.alarms.topicArn === undefined ? {} : { existingTopicArn: settings.alarms.topicArn }),
    });
    const observed = {
      namePrefix: this.stackName,
      topic,
      autoScalingGroup: fleet.autoScalingGroup,
      hostMetricsNamespace: hostMetricsNamespace(project, stage),
    };
    const alarms = new StageAlarms(this, 'Alarms', {
      ...observed,
      loadBalancer: web.loadBalancer,
      targetGroup: web.targetGroup,
      alsoNotify: [deployment.unhealthyHosts],
    });
    const events = new StageEvents(this, 'Events', {
      ...observed,
      deployment: {
        applicationName: codeDeployApplicationName(project, stage),
        deploymentGroupName: deploymentGroupName(stage),
      },
    });
    new StageDashboard(this, 'Dashboard', {
      ...observed,
      dashboardName: this.stackName,
      loadBalancer: web.loadBalancer,
      targetGroup: web.targetGroup,
      failedDeployments: events.failedDeployments,
      deploymentLogGroupName: logGroupNames(project, stage).codeDeployDeployments,
      alarms: [...alarms.alarms, ...deployment.alarms.filter((a) => !alarms.alarms.includes(a))],
    });

    const host = domain?.domainName ?? web.loadBalancer.loadBalancerDnsName;
    new CfnOutput(this, STAGE_OUTPUTS.endpointUrl, {
      value: `${web.scheme}://${host}`,
      description: `Public URL of ${stage}`,
    });
    new CfnOutput(this, STAGE_OUTPUTS.autoScalingGroupName, { value: fleet.autoScalingGroup.autoScalingGroupName });
    new CfnOutput(this, STAGE_OUTPUTS.applicationName, { value: deployment.application.applicationName });
    new CfnOutput(this, STAGE_OUTPUTS.deploymentGroupName, { value: deployment.deploymentGroup.deploymentGroupName });
    new CfnOutput(this, STAGE_OUTPUTS.machineImage, {
      value: image.description,
      description: 'The Amazon Linux image the hosts boot',
    });
  }

  /** The AZs named in config, so nothing asks AWS (a context lookup needs credentials). */
  override get availabilityZones(): string[] {
    return [...this.configuredAzs];
  }
}
