// The CDK app: the only place that picks the account and region (from @hello/config/project) and instantiates stacks.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { project } from '@hello/config/project';
import { addInfraStacks } from '../src/stacks/add-infra-stacks.ts';

export const app = new App();
// cdk-nag 3 is a validation plugin: any unacknowledged AwsSolutions finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
export const stacks = addInfraStacks(app, project, { account: project.aws.account, region: project.aws.region });
