// Stage stacks with a domain: staging with a DNS-validated certificate and alias, prod with an imported certificate.
import t from 'tap';
import { Match } from 'aws-cdk-lib/assertions';
import { STAGE_OUTPUTS } from '@hello/config/naming';
import { TLS_POLICY } from '../../src/constructs/web-load-balancer.ts';
import { buildTestApp, projectWith, templateJson } from '../helpers/test-app.ts';

const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const project = projectWith((s) => ({
  ...s,
  github: {
    ...s.github,
    oidcProviderArn: `arn:aws:iam::${s.aws.account}:oidc-provider/token.actions.githubusercontent.com`,
  },
  stages: {
    staging: { ...s.stages.staging, domain: { zoneName: 'example.com', subdomain: 'staging', hostedZoneId: ZONE_ID } },
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
