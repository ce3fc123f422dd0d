// The CDK app: the only place that picks the account and region (from @hello/config/project) and instantiates stacks.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { importOrExit } from '@hello/cli-kit/run-entry';
import { addInfraStacks } from '../src/stacks/add-infra-stacks.ts';

// Invalid settings throw while they load: imported here, `cdk synth` prints their problems in a few
// lines instead of a stack trace (DEBUG=1 shows it).
const { project } = await importOrExit(process, () => import('@hello/config/project'));

export const app = new App();
// cdk-nag 3 is a validation plugin: any unacknowledged AwsSolutions finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
export const stacks = addInfraStacks(app, project, { account: project.aws.account, region: project.aws.region });
