// Once per account and region: the artifact bucket, GitHub's OIDC provider and the GitHub roles.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEPLOY_JOB_TIMEOUT_MINUTES, RELEASE_PREFIX } from '@hello/config/constants';
import { STAGE_NAMES, type ProjectSettings, type StageName } from '@hello/config/define-project';
import {
  FOUNDATION_OUTPUTS,
  artifactBucketName,
  bootstrapExecutionPolicyName,
  codeDeployApplicationName,
  deployRoleName,
  deploymentGroupName,
  diffRoleName,
  environmentSubject,
  foundationStackName,
  logGroupPrefix,
  machineImagesRoleName,
  mainBranchSubject,
  pullRequestRoleName,
  pullRequestSubject,
  stageBoundaryPolicyName,
  stageStackName,
} from '@hello/config/naming';
import { ArtifactBucket } from '../constructs/artifact-bucket.ts';
import { CdkDiffRole } from '../constructs/cdk-diff-role.ts';
import { GithubDeployRole } from '../constructs/github-deploy-role.ts';
import { GithubMachineImagesRole } from '../constructs/github-machine-images-role.ts';
import { GithubOidcProvider } from '../constructs/github-oidc-provider.ts';
import { GithubPullRequestRole } from '../constructs/github-pull-request-role.ts';
import { StageDeploymentPolicies, type StageNames } from '../constructs/stage-deployment-policies.ts';

/** Foundation output key of a stage's deploy role ARN, e.g. `DeployRoleArnStaging`. */
export const deployRoleOutputKey = (stage: StageName): string =>
  `${FOUNDATION_OUTPUTS.deployRoleArnPrefix}${stage.charAt(0).toUpperCase()}${stage.slice(1)}`;

export interface FoundationStackProps extends StackProps {
  readonly project: Pick<ProjectSettings, 'name' | 'github' | 'aws' | 'stages'>;
}

/**
 * Deployed by an administrator with their own credentials (no bootstrap); after it, each stage is
 * bootstrapped with the policies it creates and GitHub deploys the stages with the roles it creates.
 */
export class FoundationStack extends Stack {
  /** Each stage's CDK execution policy and boundary, which decide what its stack may create. */
  readonly stagePolicies: { readonly [S in StageName]: StageDeploymentPolicies };

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    super(scope, id, props);
    const policies: Partial<Record<StageName, StageDeploymentPolicies>> = {};
    const { project } = props;
    const artifacts = new ArtifactBucket(this, 'Artifacts', { bucketName: artifactBucketName(project) });
    const { provider } = new GithubOidcProvider(this, 'GithubOidc', {
      ...(project.github.oidcProviderArn === undefined ? {} : { existingProviderArn: project.github.oidcProviderArn }),
    });
    const groupOf = (stage: StageName) => ({
      applicationName: codeDeployApplicationName(project, stage),
      deploymentGroupName: deploymentGroupName(stage),
      stackName: stageStackName(project, stage),
    });
    const stageNames = (stage: StageName): StageNames => ({
      stackName: stageStackName(project, stage),
      applicationName: codeDeployApplicationName(project, stage),
      logGroupPrefix: logGroupPrefix(project, stage),
      bootstrapQualifier: project.stages[stage].bootstrapQualifier,
    });
    const session = Duration.minutes(DEPLOY_JOB_TIMEOUT_MINUTES);
    const diffRoleArn = this.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: diffRoleName(project),
    });
    const trusted = STAGE_NAMES.map((stage, index) => {
      policies[stage] = new StageDeploymentPolicies(this, `Policies-${stage}`, {
        stage: stageNames(stage),
        others: STAGE_NAMES.filter((s) => s !== stage).map(stageNames),
        executionPolicyName: bootstrapExecutionPolicyName(project, stage),
        boundaryPolicyName: stageBoundaryPolicyName(project, stage),
        foundationStackName: foundationStackName(project),
        artifactBucketName: artifacts.bucketName,
      });
      const deploy = new GithubDeployRole(this, `Deploy-${stage}`, {
        provider,
        roleName: deployRoleName(project, stage),
        subject: environmentSubject(project, stage),
        artifactBucketName: artifacts.bucketName,
        releasePrefix: RELEASE_PREFIX,
        // The first stage publishes the zip; later stages promote that same object, so they only read.
        canPublish: index === 0,
        deployTo: { ...groupOf(stage), deploymentConfigName: project.stages[stage].deploymentConfig },
        watch: STAGE_NAMES.slice(0, index).map(groupOf),
        stageStackName: stageStackName(project, stage),
        bootstrapQualifier: project.stages[stage].bootstrapQualifier,
        diffRoleArn,
      });
      new CfnOutput(this, deployRoleOutputKey(stage), {
        value: deploy.role.roleArn,
        description: `Role the GitHub environment ${stage} assumes`,
      });
      return deploy.role;
    });
    this.stagePolicies = policies as { [S in StageName]: StageDeploymentPolicies };
    const pullRequest = new GithubPullRequestRole(this, 'PullRequest', {
      provider,
      roleName: pullRequestRoleName(project),
      subject: pullRequestSubject(project),
      diffRoleName: diffRoleName(project),
      directlyReadStackNames: [foundationStackName(project)],
      maxSessionDuration: session,
    });
    new CdkDiffRole(this, 'Diff', {
      roleName: diffRoleName(project),
      trustedRoles: [pullRequest.role, ...trusted],
      stackNames: STAGE_NAMES.map((stage) => stageStackName(project, stage)),
      bootstrapQualifiers: STAGE_NAMES.map((stage) => project.stages[stage].bootstrapQualifier),
    });
    new CfnOutput(this, FOUNDATION_OUTPUTS.artifactBucketName, {
      value: artifacts.bucket.bucketName,
      description: 'Bucket of published releases',
    });
    new CfnOutput(this, FOUNDATION_OUTPUTS.pullRequestRoleArn, {
      value: pullRequest.role.roleArn,
      description: 'Role pull requests assume for cdk diff',
    });
    const machineImages = new GithubMachineImagesRole(this, 'MachineImages', {
      provider,
      roleName: machineImagesRoleName(project),
      subject: mainBranchSubject(project),
      maxSessionDuration: session,
    });
    new CfnOutput(this, FOUNDATION_OUTPUTS.machineImagesRoleArn, {
      value: machineImages.role.roleArn,
      description: 'Role the machine-image workflow assumes to read the latest Amazon Linux images',
    });
  }
}
