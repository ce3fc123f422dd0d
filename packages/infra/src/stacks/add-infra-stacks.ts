// The app's stacks: the foundation once, then one stage stack per stage, named from @hello/config/naming.
import { DefaultStackSynthesizer, LegacyStackSynthesizer, type App, type Environment } from 'aws-cdk-lib';
import { STAGE_NAMES, type ProjectSettings, type StageName } from '@hello/config/define-project';
import { bootstrapExecutionPolicyName, diffRoleName, foundationStackName, stageStackName } from '@hello/config/naming';
import { FoundationStack } from './foundation-stack.ts';
import { checkStageResourceTypes } from './stage-resource-types.ts';
import { StageStack } from './stage-stack.ts';

export interface InfraStacks {
  readonly foundation: FoundationStack;
  readonly stages: { readonly [S in StageName]: StageStack };
}

/** Adds every stack to `app` in `env`; bin/infra.ts and the tests build the same app through it. */
export function addInfraStacks(
  app: App,
  project: ProjectSettings,
  env: Required<Pick<Environment, 'account' | 'region'>>,
): InfraStacks {
  const foundation = new FoundationStack(app, foundationStackName(project), {
    env,
    // An administrator deploys it with their own credentials and no bootstrap at all: no bootstrap
    // roles (and none to abuse), no template asset (CliCredentialsStackSynthesizer would upload the
    // template to the default `cdk-hnb659fds-assets-*` bucket, which only `cdk bootstrap` creates;
    // BootstraplessSynthesizer still names the default bootstrap roles). The CLI passes this
    // template inline, so it must stay under CloudFormation's 51,200-byte TemplateBody limit.
    synthesizer: new LegacyStackSynthesizer(),
    project,
    description: `${project.name}: artifact bucket, GitHub OIDC provider and deploy roles (once per account)`,
  });
  const stages = Object.fromEntries(
    STAGE_NAMES.map((stage) => [
      stage,
      new StageStack(app, stageStackName(project, stage), {
        env,
        // Each stage deploys through its own bootstrap (qualifier, scoped execution policy, boundary);
        // `cdk diff` reads templates through the project's diff role instead of the ReadOnlyAccess lookup role.
        synthesizer: new DefaultStackSynthesizer({
          qualifier: project.stages[stage].bootstrapQualifier,
          lookupRoleArn: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${diffRoleName(project)}`,
        }),
        project,
        stage,
        settings: project.stages[stage],
        description: `${project.name} ${stage}: VPC, load balancer, Auto Scaling group and CodeDeploy`,
      }),
    ]),
  ) as { [S in StageName]: StageStack };
  for (const stage of STAGE_NAMES) {
    const { executionPolicy, boundary } = foundation.stagePolicies[stage];
    checkStageResourceTypes(stages[stage], {
      executionPolicy,
      executionPolicyName: bootstrapExecutionPolicyName(project, stage),
      boundary,
      foundationStackName: foundation.stackName,
    });
  }
  return { foundation, stages };
}
