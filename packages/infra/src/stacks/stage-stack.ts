// One stage (staging or prod): network, load balancer, hosts and CodeDeploy, sized from @hello/config.
import { posix } from 'node:path';
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { ManagedPolicy, PermissionsBoundary, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  ALB_IDLE_TIMEOUT_SECONDS,
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
import { cloudWatchAgentConfig } from '../constructs/cloud-watch-agent-config.ts';
import { CodeDeployment } from '../constructs/code-deployment.ts';
import { grantStageParameters } from '../constructs/grant-stage-parameters.ts';
import { HostLogGroups } from '../constructs/host-log-groups.ts';
import { hostUserData } from '../constructs/host-user-data.ts';
import { Network } from '../constructs/network.ts';
import { StageDomain } from '../constructs/stage-domain.ts';
import { WebFleet } from '../constructs/web-fleet.ts';
import { WebLoadBalancer } from '../constructs/web-load-balancer.ts';

/** Where the CodeDeploy agent writes its own log and the deployments' script output. */
export const CODEDEPLOY_AGENT_LOG = '/var/log/aws/codedeploy-agent/codedeploy-agent.log';
export const CODEDEPLOY_DEPLOYMENTS_LOG =
  '/opt/codedeploy-agent/deployment-root/deployment-logs/codedeploy-agent-deployments.log';

/** How long a new host may take to serve; CloudFormation waits 5 minutes more for its signal. */
export const HOST_READY_TIMEOUT = Duration.minutes(15);
const SIGNAL_TIMEOUT = HOST_READY_TIMEOUT.plus(Duration.minutes(5));

export interface StageStackProps extends StackProps {
  readonly project: Pick<ProjectSettings, 'name' | 'github' | 'aws'>;
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
      cloudWatchAgentConfigJson: this.toJsonString(cloudWatchAgentConfig(logs.shipped)),
      readiness: {
        applicationName: codeDeployApplicationName(project, stage),
        deploymentGroupName: deploymentGroupName(stage),
        versionUrl: `https://127.0.0.1:${SERVICE_PORT}${VERSION_PATH}`,
        timeoutSeconds: HOST_READY_TIMEOUT.toSeconds(),
      },
    });
    const fleet = new WebFleet(this, 'Fleet', {
      vpc,
      instanceType: settings.instanceType,
      capacity: settings.capacity,
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
    const deployment = new CodeDeployment(this, 'Deployment', {
      applicationName: codeDeployApplicationName(project, stage),
      deploymentGroupName: deploymentGroupName(stage),
      deploymentConfigName: settings.deploymentConfig,
      autoScalingGroup: fleet.autoScalingGroup,
      targetGroup: web.targetGroup,
    });

    const host = domain?.domainName ?? web.loadBalancer.loadBalancerDnsName;
    new CfnOutput(this, STAGE_OUTPUTS.endpointUrl, {
      value: `${web.scheme}://${host}`,
      description: `Public URL of ${stage}`,
    });
    new CfnOutput(this, STAGE_OUTPUTS.autoScalingGroupName, { value: fleet.autoScalingGroup.autoScalingGroupName });
    new CfnOutput(this, STAGE_OUTPUTS.applicationName, { value: deployment.application.applicationName });
    new CfnOutput(this, STAGE_OUTPUTS.deploymentGroupName, { value: deployment.deploymentGroup.deploymentGroupName });
  }

  /** The AZs named in config, so nothing asks AWS (a context lookup needs credentials). */
  override get availabilityZones(): string[] {
    return [...this.configuredAzs];
  }
}
