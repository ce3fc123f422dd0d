// The stage's VPC: public subnets for the load balancer and NAT, private subnets for the hosts.
import { Validations } from 'aws-cdk-lib';
import { IpAddresses, SubnetType, Vpc, type CfnVPC, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface NetworkProps {
  /** The AZs to span, named so synth needs no AWS credentials. */
  readonly availabilityZones: readonly string[];
  /** NAT gateways: 1 is cheaper, one per AZ keeps egress when an AZ fails. */
  readonly natGateways: number;
  /**
   * @default 10.0.0.0/16
   */
  readonly cidr?: string;
}

/** Two tiers over the given AZs; hosts reach S3, CodeDeploy and CloudWatch through NAT. */
export class Network extends Construct {
  /** Logical id pinned so refactoring the construct tree never replaces the VPC under the fleet. */
  static readonly LOGICAL_ID = 'Vpc';

  readonly vpc: IVpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const azs = props.availabilityZones;
    if (azs.length < 2) {
      throw new Error(
        `Network availabilityZones: ${JSON.stringify(azs)} is not allowed; expected at least 2 AZs so the stage survives losing one`,
      );
    }
    if (!Number.isInteger(props.natGateways) || props.natGateways < 1 || props.natGateways > azs.length) {
      throw new Error(
        `Network natGateways: ${props.natGateways} is not allowed; expected 1 to ${azs.length} (the private subnets need egress)`,
      );
    }
    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      availabilityZones: [...azs],
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });
    (vpc.node.defaultChild as CfnVPC).overrideLogicalId(Network.LOGICAL_ID);
    Validations.of(vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'Flow logs are billed per GB and nothing reads them in this template; the ALB and host logs cover requests. Add vpc.addFlowLog() when an audit needs them.',
    });
    this.vpc = vpc;
  }
}
