// Builds the app the way bin/infra.ts does, with cdk.json's context, for template assertions.
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defineProject, type ProjectSettings } from '@hello/config/define-project';
import { project as configuredProject } from '@hello/config/project';
import { addInfraStacks, type InfraStacks } from '../../src/stacks/add-infra-stacks.ts';

// The CloudFormation validator costs ~5 s per synth; `cdk synth` keeps it on.
process.env.CDK_VALIDATION = 'false';

/** The context `cdk synth` runs with: tests and synth must agree on every feature flag. */
export const CDK_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

/** The parts of a synthesized template the tests read directly. */
export interface TemplateJson {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly DeletionPolicy?: string; readonly UpdateReplacePolicy?: string }
  >;
  readonly Outputs: Record<string, { readonly Value: unknown }>;
  readonly Parameters?: Record<string, unknown>;
}

export const templateJson = (template: Template): TemplateJson => template.toJSON() as TemplateJson;

export interface TestApp extends InfraStacks {
  readonly app: App;
  readonly nag: AwsSolutionsChecks;
  readonly project: ProjectSettings;
  /** The synthesized template of a stack (the app is synthesized once, on first use). */
  template(stack: { readonly stackName: string }): Template;
}

/** The configured project with some settings replaced, validated like project.ts. */
export function projectWith(change: (s: ProjectSettings) => ProjectSettings): ProjectSettings {
  return defineProject(change(structuredClone<ProjectSettings>(configuredProject)));
}

export function buildTestApp(project: ProjectSettings = configuredProject): TestApp {
  const app = new App({ context: CDK_CONTEXT });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  const stacks = addInfraStacks(app, project, { account: project.aws.account, region: project.aws.region });
  const templates = new Map<string, Template>();
  return {
    ...stacks,
    app,
    nag,
    project,
    template(stack) {
      const assembly = app.synth();
      let template = templates.get(stack.stackName);
      if (template === undefined) {
        template = Template.fromJSON(assembly.getStackByName(stack.stackName).template as Record<string, unknown>);
        templates.set(stack.stackName, template);
      }
      return template;
    },
  };
}
