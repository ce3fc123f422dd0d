// The app's cloud assembly for any project settings, synthesized as `cdk synth` would (cdk.json's
// context), for checks that compare the docs with the templates (tools/docs-check).
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { ProjectSettings } from '@hello/config/define-project';
import { addInfraStacks } from '../stacks/add-infra-stacks.ts';

/** The context `cdk synth` runs with (cdk.json): feature flags decide what the templates hold. */
export const CDK_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

/** Synthesizes every stack of the app for `project` into `outdir`. */
export function synthAssembly(project: ProjectSettings, outdir: string): CloudAssembly {
  const app = new App({ context: CDK_CONTEXT, outdir });
  addInfraStacks(app, project, { account: project.aws.account, region: project.aws.region });
  return app.synth();
}
