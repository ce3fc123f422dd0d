// The settings the README and docs/ are written for: the values packages/config/src/project.ts
// ships with (docs/aws-setup.md: project `hello`, account 123456789012, region us-east-1,
// qualifiers hellostg/helloprod). The check synthesizes these, not the user's settings, so it
// passes whatever a user changes in project.ts.
import { defineProject, type ProjectSettings } from '@hello/config/define-project';

export const docsProject: ProjectSettings = defineProject({
  name: 'hello',
  github: { owner: 'your-github-org', repo: 'hello-aws', subjectPrefix: 'repo:your-github-org/hello-aws' },
  aws: { account: '123456789012', region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'] },
  stages: {
    staging: {
      instanceType: 't4g.small',
      capacity: { min: 2, max: 6 },
      deploymentConfig: 'CodeDeployDefault.AllAtOnce',
      natGateways: 1,
      bootstrapQualifier: 'hellostg',
      deregistrationDelaySeconds: 30,
      logRetentionDays: 30,
      scaling: { cpuPercent: 50 },
      alarms: { emails: [] },
    },
    prod: {
      instanceType: 't4g.small',
      capacity: { min: 2, max: 6 },
      deploymentConfig: 'CodeDeployDefault.OneAtATime',
      natGateways: 2,
      bootstrapQualifier: 'helloprod',
      deregistrationDelaySeconds: 30,
      logRetentionDays: 365,
      scaling: { cpuPercent: 50 },
      alarms: { emails: [] },
    },
  },
});
