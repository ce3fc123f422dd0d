// The Auto Scaling group of service hosts: launch template, instance role and security group.
import { Duration, Validations } from 'aws-cdk-lib';
import {
  AdditionalHealthCheckType,
  AutoScalingGroup,
  GroupMetric,
  GroupMetrics,
  HealthChecks,
  Signals,
  UpdatePolicy,
} from 'aws-cdk-lib/aws-autoscaling';
import {
  AmazonLinuxCpuType,
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  InstanceArchitecture,
  InstanceType,
  LaunchTemplate,
  MachineImage,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  type IMachineImage,
  type ISecurityGroup,
  type IVpc,
  type UserData,
} from 'aws-cdk-lib/aws-ec2';
import type { IApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface WebFleetProps {
  readonly vpc: IVpc;
  /** e.g. `t4g.small`; the AMI's CPU architecture follows it (Graviton -> arm64). */
  readonly instanceType: string;
  /**
   * The hosts' image; it must match the instance type's architecture.
   * @default the latest Amazon Linux 2023 of that architecture, resolved from AWS's public SSM
   * parameter on every deploy (a new Amazon Linux release then replaces the fleet unannounced)
   */
  readonly machineImage?: IMachineImage;
  /** The group starts at min; scaling moves it up to max. No desired capacity is set (aws-cdk#5215). */
  readonly capacity: { readonly min: number; readonly max: number };
  /** Target tracking; at least one target (validated in @hello/config). */
  readonly scaling: { readonly cpuPercent?: number; readonly requestsPerHostPerMinute?: number };
  /** The only port the hosts accept, and only from the load balancer. */
  readonly servicePort: number;
  readonly loadBalancerSecurityGroup: ISecurityGroup;
  readonly targetGroup: IApplicationTargetGroup;
  /** The hosts' CodeDeploy agent downloads releases from here. */
  readonly releaseBucket: IBucket;
  readonly releasePrefix: string;
  readonly userData: UserData;
  /**
   * How long a host that just went InService is kept although a health check fails. It must cover a
   * new stage's first boot, stack creation and first deployment (docs/architecture.md, "Hosts that heal").
   */
  readonly healthCheckGracePeriod: Duration;
  /**
   * How long CloudFormation waits for a new host's signal (user data ends once the host serves the
   * current revision) before it fails the create or rolls the update back.
   * @default 20 minutes
   */
  readonly signalTimeout?: Duration;
  /**
   * Root volume size in GiB (gp3, encrypted).
   * @default 16
   */
  readonly rootVolumeGiB?: number;
}

/**
 * Hosts in the private subnets of every AZ, replaced when EC2 or the load balancer finds them
 * unhealthy, sized by target tracking between min and max.
 */
export class WebFleet extends Construct {
  readonly autoScalingGroup: AutoScalingGroup;
  readonly securityGroup: SecurityGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: WebFleetProps) {
    super(scope, id);
    const { min, max } = props.capacity;
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1 && min <= max)) {
      throw new Error(`WebFleet capacity: ${JSON.stringify(props.capacity)} is not allowed; expected 1 <= min <= max`);
    }
    if (props.scaling.cpuPercent === undefined && props.scaling.requestsPerHostPerMinute === undefined) {
      throw new Error(
        `WebFleet scaling: ${JSON.stringify(props.scaling)} is not allowed; expected cpuPercent and/or requestsPerHostPerMinute`,
      );
    }
    const signalTimeout = props.signalTimeout ?? Duration.minutes(20);
    if (signalTimeout.toSeconds() < 300 || signalTimeout.toSeconds() > 3600) {
      throw new Error(
        `WebFleet signalTimeout: ${signalTimeout.toHumanString()} is not allowed; expected 5 to 60 minutes (a first boot installs Node and two agents)`,
      );
    }
    const instanceType = new InstanceType(props.instanceType);
    const cpuType =
      instanceType.architecture === InstanceArchitecture.ARM_64 ? AmazonLinuxCpuType.ARM_64 : AmazonLinuxCpuType.X86_64;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Service hosts: the service port from the load balancer only',
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowFrom(
      props.loadBalancerSecurityGroup,
      Port.tcp(props.servicePort),
      'Service port from the load balancer',
    );
    // Packages, S3, CodeDeploy, CloudWatch and SSM are all reached over HTTPS through NAT.
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs and package repositories');

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      description:
        'Service hosts: Session Manager, read releases; the stage grants its log groups and deployment group',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    const releasesArn = props.releaseBucket.arnForObjects(`${props.releasePrefix}*`);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadReleases',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [releasesArn],
      }),
    );
    Validations.of(this.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${releasesArn}]`,
        reason:
          'The CodeDeploy agent downloads whichever release is deployed; the wildcard covers only the release prefix.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        reason: 'AWS maintains the exact permissions Session Manager needs; it replaces SSH keys and open ports.',
      },
    );

    const launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: props.machineImage ?? MachineImage.latestAmazonLinux2023({ cpuType }),
      instanceType,
      role: this.role,
      securityGroup: this.securityGroup,
      userData: props.userData,
      requireImdsv2: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: BlockDeviceVolume.ebs(props.rootVolumeGiB ?? 16, {
            encrypted: true,
            volumeType: EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    this.autoScalingGroup = new AutoScalingGroup(this, 'Asg', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: min,
      maxCapacity: max,
      // A host the load balancer finds unhealthy is replaced. New hosts of a group with a successful
      // revision are InService only after CodeDeploy's launch hook installed it; the grace period
      // protects the hosts of a new stage, which have nothing to serve until its first deployment.
      healthChecks: HealthChecks.withAdditionalChecks({
        additionalTypes: [AdditionalHealthCheckType.ELB],
        gracePeriod: props.healthCheckGracePeriod,
      }),
      // In-service, pending and desired counts for the dashboard and the launch-failure alarm (free).
      groupMetrics: [
        new GroupMetrics(
          GroupMetric.DESIRED_CAPACITY,
          GroupMetric.IN_SERVICE_INSTANCES,
          GroupMetric.PENDING_INSTANCES,
          GroupMetric.TERMINATING_INSTANCES,
        ),
      ],
      // The user data signals once the host serves the current revision (or none exists yet).
      signals: Signals.waitForMinCapacity({ timeout: signalTimeout }),
      // A launch template change replaces one host at a time and waits for its signal, keeping the
      // configured minimum in service (CloudFormation launches the new host first when the group runs at min).
      updatePolicy: UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: Math.min(min, max - 1),
        waitOnResourceSignals: true,
        pauseTime: signalTimeout,
      }),
    });
    props.userData.addSignalOnExitCommand(this.autoScalingGroup);
    this.autoScalingGroup.attachToApplicationTargetGroup(props.targetGroup);
    const { cpuPercent, requestsPerHostPerMinute } = props.scaling;
    if (cpuPercent !== undefined) {
      this.autoScalingGroup.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: cpuPercent });
    }
    if (requestsPerHostPerMinute !== undefined) {
      this.autoScalingGroup.scaleOnRequestCount('Requests', { targetRequestsPerMinute: requestsPerHostPerMinute });
    }
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason:
        "Failed launches and hosts replaced after a failed health check reach the stage's alarm topic through EventBridge (StageAlarms); routine launches and terminations stay in the activity history.",
    });
  }
}
