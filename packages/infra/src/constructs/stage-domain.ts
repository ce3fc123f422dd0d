// A stage's own name: its ACM certificate (DNS-validated or imported) and the Route 53 alias to the ALB.
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { ILoadBalancerV2 } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ARecord, HostedZone, RecordTarget, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { DomainSettings } from '@hello/config/define-project';

export interface StageDomainProps {
  readonly domain: DomainSettings;
}

/** Certificate and DNS for `<subdomain>.<zoneName>`; validated settings come from @hello/config. */
export class StageDomain extends Construct {
  /** The fully qualified name clients use. */
  readonly domainName: string;
  readonly certificate: ICertificate;
  private readonly zone: IHostedZone | undefined;

  constructor(scope: Construct, id: string, props: StageDomainProps) {
    super(scope, id);
    const { domain } = props;
    this.domainName = domain.subdomain === '' ? domain.zoneName : `${domain.subdomain}.${domain.zoneName}`;
    // Attributes, not a lookup: synth stays free of AWS credentials.
    this.zone =
      domain.hostedZoneId === undefined
        ? undefined
        : HostedZone.fromHostedZoneAttributes(this, 'Zone', {
            hostedZoneId: domain.hostedZoneId,
            zoneName: domain.zoneName,
          });
    if (domain.certificateArn !== undefined) {
      this.certificate = Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn);
    } else if (this.zone !== undefined) {
      this.certificate = new Certificate(this, 'Certificate', {
        domainName: this.domainName,
        validation: CertificateValidation.fromDns(this.zone),
      });
    } else {
      throw new Error(
        `StageDomain domain: ${JSON.stringify(domain)} is not allowed; expected hostedZoneId (to create a DNS-validated certificate) or certificateArn`,
      );
    }
  }

  /** Points the name at the load balancer when the zone is managed here; otherwise DNS is the user's. */
  aliasTo(loadBalancer: ILoadBalancerV2): ARecord | undefined {
    if (this.zone === undefined) return undefined;
    return new ARecord(this, 'Alias', {
      zone: this.zone,
      recordName: this.domainName,
      target: RecordTarget.fromAlias(new LoadBalancerTarget(loadBalancer)),
    });
  }
}
