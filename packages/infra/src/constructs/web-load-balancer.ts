// The internet-facing ALB and the HTTPS target group the fleet registers in.
import { Duration, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Peer, Port, SecurityGroup, SubnetType, type CfnSecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import {
  ApplicationLoadBalancer,
  ApplicationProtocol,
  ApplicationTargetGroup,
  ListenerAction,
  Protocol,
  SslPolicy,
  TargetType,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

/** TLS 1.3 with 1.2 for older clients, with post-quantum key exchange. */
export const TLS_POLICY = SslPolicy.TLS13_12_PQ;

export interface HealthCheckSettings {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface WebLoadBalancerProps {
  readonly vpc: IVpc;
  /** The port the service listens on (HTTPS, self-signed certificate). */
  readonly targetPort: number;
  readonly healthCheckPath: string;
  readonly healthCheck: HealthCheckSettings;
  /** Must stay below the service's keep-alive timeout. */
  readonly idleTimeoutSeconds: number;
  readonly deregistrationDelaySeconds: number;
  /**
   * Certificate for HTTPS on 443 (then 80 redirects to 443).
   * @default none: plain HTTP on 80 only, for experiments on the load balancer's own DNS name
   */
  readonly certificate?: ICertificate;
}

/** An ALB that forwards to the service over HTTPS; only it may reach the hosts. */
export class WebLoadBalancer extends Construct {
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  readonly securityGroup: SecurityGroup;
  /** `https` with a certificate, `http` in the experiment mode. */
  readonly scheme: 'https' | 'http';

  constructor(scope: Construct, id: string, props: WebLoadBalancerProps) {
    super(scope, id);
    const { healthCheck: hc } = props;
    if (hc.timeoutSeconds >= hc.intervalSeconds) {
      throw new Error(
        `WebLoadBalancer healthCheck.timeoutSeconds: ${hc.timeoutSeconds} is not allowed; expected less than intervalSeconds (${hc.intervalSeconds})`,
      );
    }
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internet-facing load balancer',
      // Egress is added only towards the fleet, on the service port, when the fleet admits it.
      allowAllOutbound: false,
    });
    // That egress is a separate AWS::EC2::SecurityGroupEgress, and CDK then leaves the group's own
    // SecurityGroupEgress empty, which makes EC2 keep its default allow-all rule. CDK's own
    // match-nothing rule (icmp 252/86 to 255.255.255.255/32) in the property removes it.
    (this.securityGroup.node.defaultChild as CfnSecurityGroup).addPropertyOverride('SecurityGroupEgress', [
      {
        CidrIp: '255.255.255.255/32',
        Description: 'Disallow all traffic',
        IpProtocol: 'icmp',
        FromPort: 252,
        ToPort: 86,
      },
    ]);
    this.loadBalancer = new ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      internetFacing: true,
      securityGroup: this.securityGroup,
      idleTimeout: Duration.seconds(props.idleTimeoutSeconds),
      dropInvalidHeaderFields: true,
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        'Access logs need a log bucket per stage; the service logs every request to CloudWatch Logs, which is where this template looks first.',
    });
    this.targetGroup = new ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      targetType: TargetType.INSTANCE,
      port: props.targetPort,
      protocol: ApplicationProtocol.HTTPS,
      deregistrationDelay: Duration.seconds(props.deregistrationDelaySeconds),
      healthCheck: {
        protocol: Protocol.HTTPS,
        path: props.healthCheckPath,
        interval: Duration.seconds(hc.intervalSeconds),
        timeout: Duration.seconds(hc.timeoutSeconds),
        healthyThresholdCount: hc.healthyThreshold,
        unhealthyThresholdCount: hc.unhealthyThreshold,
        healthyHttpCodes: '200',
      },
    });
    this.scheme = props.certificate === undefined ? 'http' : 'https';
    if (props.certificate === undefined) {
      this.allowFromInternet(80);
      this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: ApplicationProtocol.HTTP,
        open: false,
        defaultTargetGroups: [this.targetGroup],
      });
    } else {
      this.allowFromInternet(443);
      this.allowFromInternet(80);
      this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: ApplicationProtocol.HTTPS,
        open: false,
        certificates: [props.certificate],
        sslPolicy: TLS_POLICY,
        defaultTargetGroups: [this.targetGroup],
      });
      this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: ApplicationProtocol.HTTP,
        open: false,
        defaultAction: ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      });
    }
    Validations.of(this.securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'A public web endpoint: the load balancer must accept 80/443 from anywhere; the hosts behind it admit only this security group.',
    });
  }

  private allowFromInternet(port: number): void {
    this.securityGroup.addIngressRule(
      Peer.anyIpv4(),
      Port.tcp(port),
      `HTTP${port === 443 ? 'S' : ''} from the internet`,
    );
  }
}
