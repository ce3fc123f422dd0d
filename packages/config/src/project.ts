// The one place to edit: your GitHub repository, AWS account and region, and each stage's size.
// Every value is validated when this module loads; a mistake fails synth, tests and the release
// CLI with a message that names the field.
import { DEFAULT_DEREGISTRATION_DELAY_SECONDS } from './constants.ts';
import { defineProject } from './define-project.ts';
import machineImagesFile from './machine-images.json' with { type: 'json' };
import { machineImagesFrom } from './machine-images.ts';

export const project = defineProject({
  name: 'hello',
  github: {
    owner: 'your-github-org',
    repo: 'hello-aws',
    // Read yours with `gh api repos/OWNER/REPO/actions/oidc/customization/sub`; repositories created
    // or renamed since 2026-07-15 use the immutable form 'repo:OWNER@OWNER_ID/REPO@REPO_ID'.
    subjectPrefix: 'repo:your-github-org/hello-aws',
    // oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  },
  aws: {
    account: '123456789012',
    region: 'us-east-1',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
  },
  stages: {
    staging: {
      instanceType: 't4g.small',
      capacity: { min: 2, max: 6 },
      deploymentConfig: 'CodeDeployDefault.AllAtOnce',
      natGateways: 1,
      bootstrapQualifier: 'hellostg',
      deregistrationDelaySeconds: DEFAULT_DEREGISTRATION_DELAY_SECONDS,
      logRetentionDays: 30,
      // domain: { zoneName: 'example.com', subdomain: 'staging', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      // t4g.small's CPU baseline is 20% per vCPU: a higher target spends burst credits while busy.
      scaling: { cpuPercent: 50 },
      // Who is told about alarms, failed deployments and failed launches, e.g. ['ops@example.com'].
      alarms: { emails: [] },
    },
    prod: {
      instanceType: 't4g.small',
      capacity: { min: 2, max: 6 },
      deploymentConfig: 'CodeDeployDefault.OneAtATime',
      natGateways: 2,
      bootstrapQualifier: 'helloprod',
      deregistrationDelaySeconds: DEFAULT_DEREGISTRATION_DELAY_SECONDS,
      logRetentionDays: 365,
      // domain: { zoneName: 'example.com', subdomain: 'www', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      scaling: { cpuPercent: 50 },
      alarms: { emails: [] },
    },
  },
  // The service's settings and secrets: for each variable that src/service-env.ts marks `setting`
  // or `secret`, the SSM parameter a host of each stage reads on every deployment, at
  // /<name>/<stage>/<parameter>. Names only: put the values with `aws ssm put-parameter`
  // (docs/service.md#settings-and-secrets). A setting left out keeps the contract's default.
  parameters: {
    // LOG_LEVEL: 'log-level',
    // PAYMENTS_API_KEY: 'payments-api-key',
  },
  // The Amazon Linux image of each architecture, written by `pnpm ami:update` (docs/aws-setup.md).
  machineImages: machineImagesFrom(machineImagesFile),
});
