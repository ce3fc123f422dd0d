// A project unlike the shipped settings (account, region, names, immutable OIDC subject), so tests
// prove the stacks follow whatever project.ts says rather than the values it ships with.
import { defineProject, type ProjectSettings } from '@hello/config/define-project';

export const fixtureProject: ProjectSettings = defineProject({
  name: 'shop',
  github: { owner: 'acme-corp', repo: 'shop-web', subjectPrefix: 'repo:acme-corp@4242/shop-web@777' },
  aws: { account: '210987654321', region: 'eu-central-1', availabilityZones: ['eu-central-1a', 'eu-central-1b'] },
  stages: {
    staging: {
      instanceType: 't3.small',
      capacity: { min: 1, max: 3 },
      deploymentConfig: 'CodeDeployDefault.AllAtOnce',
      natGateways: 1,
      bootstrapQualifier: 'shopstg',
      deregistrationDelaySeconds: 20,
      logRetentionDays: 14,
      scaling: { requestsPerHostPerMinute: 3000 },
      alarms: { emails: ['alerts@shop.example'] },
    },
    prod: {
      instanceType: 'm7g.large',
      capacity: { min: 3, max: 3 },
      deploymentConfig: 'CodeDeployDefault.HalfAtATime',
      natGateways: 2,
      bootstrapQualifier: 'shopprd',
      deregistrationDelaySeconds: 45,
      logRetentionDays: 90,
      scaling: { cpuPercent: 40, requestsPerHostPerMinute: 12000 },
      alarms: { emails: [], topicArn: 'arn:aws:sns:eu-central-1:210987654321:shop-pager' },
    },
  },
  // Placeholder ids in the style of AWS's documentation, dated 2099: no real image.
  machineImages: {
    region: 'eu-central-1',
    images: {
      arm64: {
        id: 'ami-0abcdef1234567890',
        name: 'al2023-ami-2023.0.20990101.0-kernel-6.1-arm64',
        created: '2099-01-01T00:00:00.000Z',
      },
      x86_64: {
        id: 'ami-0fedcba0987654321',
        name: 'al2023-ami-2023.0.20990101.0-kernel-6.1-x86_64',
        created: '2099-01-01T00:00:00.000Z',
      },
    },
  },
});
