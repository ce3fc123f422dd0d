// The Auto Scaling group of service hosts: launch template, instance role and security group.
import { Duration, Validations } from 'aws-cdk-lib';
import { AutoScalingGroup, HealthChecks, Signals, UpdatePolicy } from 'aws-cdk-lib/aws-autoscaling';
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
  readonly capacity: { readonly min: number; readonly desired: number; readonly max: number };
  /** The only port the hosts accept, and only from the load balancer. */
  readonly servicePort: number;
  readonly loadBalancerSecurityGroup: ISecurityGroup;
  readonly targetGroup: IApplicationTargetGroup;
  /** The hosts' CodeDeploy agent downloads releases from here. */
  readonly releaseBucket: IBucket;
  readonly releasePrefix: string;
  readonly userData: UserData;
  /**
   * Seconds after launch before failed EC2 status checks replace a host (first boot installs Node and the agents).
   * @default 300
   */
  readonly healthCheckGracePeriodSeconds?: number;
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

/** Hosts in the private subnets of every AZ, replaced when the load balancer finds them unhealthy. */
export class WebFleet extends Construct {
  readonly autoScalingGroup: AutoScalingGroup;
  readonly securityGroup: SecurityGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: WebFleetProps) {
    super(scope, id);
    const { min, desired, max } = props.capacity;
    if (!(min >= 1 && min <= desired && desired <= max)) {
      throw new Error(
        `WebFleet capacity: ${JSON.stringify(props.capacity)} is not allowed; expected 1 <= min <= desired <= max`,
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
      // Resolved from the public SSM parameter at deploy time: no AMI lookup, so synth needs no credentials.
      machineImage: MachineImage.latestAmazonLinux2023({ cpuType }),
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
      desiredCapacity: desired,
      maxCapacity: max,
      // EC2 status checks only: a host of a new stage has no revision and fails the ELB check until
      // the first deployment, so ELB checks would replace it every grace period. The load balancer
      // still stops routing to an unhealthy host, and CodeDeploy's alarms catch a bad release.
      healthChecks: HealthChecks.ec2({ gracePeriod: Duration.seconds(props.healthCheckGracePeriodSeconds ?? 300) }),
      // The user data signals once the host serves the current revision (or none exists yet).
      signals: Signals.waitForMinCapacity({ timeout: signalTimeout }),
      // A launch template change replaces one host at a time and waits for its signal, keeping the
      // configured minimum in service (CloudFormation launches the new host first when min = desired).
      updatePolicy: UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: Math.min(min, max - 1),
        waitOnResourceSignals: true,
        pauseTime: signalTimeout,
      }),
    });
    props.userData.addSignalOnExitCommand(this.autoScalingGroup);
    this.autoScalingGroup.attachToApplicationTargetGroup(props.targetGroup);
    Validations.of(this.autoScalingGroup).acknowledge(
      {
        id: 'AwsSolutions-AS3',
        reason:
          'Scaling events are visible in the Auto Scaling activity history and CodeDeploy; no one subscribes to notifications in this template.',
      },
      {
        id: 'Annotation::@aws-cdk/aws-autoscaling:desiredCapacitySet',
        reason:
          'No scaling policies change the size, so resetting it to the configured desired capacity on deploy is intended.',
      },
    );
  }
}
