// A contract and a project that keep a setting and a secret in SSM, whatever the shipped
// packages/config says: tests (and the rehearsal, through host-tool-with-parameters.ts) run the
// hooks' SSM path with these, so they pass for any valid user settings.
import { defineProject, type ProjectSettings } from '@hello/config/define-project';
import { oneOf, secret, setting } from '@hello/config/env-variable';
import { SERVICE_ENV, type EnvContract } from '@hello/config/service-env';

/** The shipped contract's variables that the hook sets or that default: none is read from SSM. */
export const plainContract: EnvContract = Object.fromEntries(
  Object.entries(SERVICE_ENV).filter(([, v]) => v.kind === undefined),
);

/** The plain contract plus a setting with a default and a secret. */
export const fixtureContract: EnvContract = {
  ...plainContract,
  GREETING: setting(oneOf(['hello', 'hi'], { about: 'the word the service greets with', default: 'hello' })),
  API_TOKEN: secret({ about: 'token of an API the service calls' }),
};

const parameters: Readonly<Record<string, string>> = { GREETING: 'greeting', API_TOKEN: 'api-token' };

/** A project without settings or secrets in SSM. */
export const plainProject: ProjectSettings = defineProject({
  name: 'shop',
  github: { owner: 'acme-corp', repo: 'shop-web', subjectPrefix: 'repo:acme-corp/shop-web' },
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
      scaling: { cpuPercent: 50 },
      alarms: { emails: [] },
    },
    prod: {
      instanceType: 'm7g.large',
      capacity: { min: 2, max: 4 },
      deploymentConfig: 'CodeDeployDefault.OneAtATime',
      natGateways: 2,
      bootstrapQualifier: 'shopprd',
      deregistrationDelaySeconds: 45,
      logRetentionDays: 90,
      scaling: { cpuPercent: 50 },
      alarms: { emails: [] },
    },
  },
});

/** The same project, naming the fixture contract's setting and secret. */
export const fixtureProject: ProjectSettings = defineProject({ ...plainProject, parameters });
