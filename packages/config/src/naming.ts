// Names of AWS resources that the stacks create and the release CLI and workflows look up.
// Deriving them here, from the project settings, means nobody types a name twice.
import { RELEASE_PREFIX, SERVICE_NAME } from './constants.ts';
import type { ProjectSettings, StageName } from './define-project.ts';

type Project = Pick<ProjectSettings, 'name' | 'aws' | 'github'>;

/** A release version: a git commit sha in the pipeline, any short token for a manual build. */
export const RELEASE_VERSION_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The foundation stack: artifact bucket, GitHub OIDC provider and deploy roles (once per account). */
export const foundationStackName = (p: Project): string => `${p.name}-foundation`;

/** The stage stack (VPC, ALB, Auto Scaling group, CodeDeploy) of one stage. */
export const stageStackName = (p: Project, stage: StageName): string => `${p.name}-${stage}`;

/** Versioned bucket holding every published release; account and region make it globally unique. */
export const artifactBucketName = (p: Project): string => `${p.name}-artifacts-${p.aws.account}-${p.aws.region}`;

/** The S3 key of a release; throws on a version that could escape the release prefix. */
export function releaseKey(version: string): string {
  if (!RELEASE_VERSION_PATTERN.test(version)) {
    throw new Error(
      `release version ${JSON.stringify(version)} is not allowed; expected 1-64 letters, digits, '.', '_' or '-' (a git sha)`,
    );
  }
  return `${RELEASE_PREFIX}${version}.zip`;
}

/** CodeDeploy application of a stage. */
export const codeDeployApplicationName = (p: Project, stage: StageName): string => `${p.name}-${stage}`;

/**
 * CodeDeploy deployment group of a stage: the stage name itself, because the hooks on the host
 * read the stage from CodeDeploy's DEPLOYMENT_GROUP_NAME.
 */
export const deploymentGroupName = (stage: StageName): StageName => stage;

/** IAM role GitHub Actions assumes in the `<stage>` environment. */
export const deployRoleName = (p: Project, stage: StageName): string => `${p.name}-github-deploy-${stage}`;

/** IAM role the scheduled machine-image workflow assumes to read AWS's public Amazon Linux images. */
export const machineImagesRoleName = (p: Project): string => `${p.name}-github-machine-images`;

/** The OIDC `sub` claim of a job on the default branch without an environment (schedule, dispatch). */
export const mainBranchSubject = (p: Project): string => `${p.github.subjectPrefix}:ref:refs/heads/main`;

/** Read-only IAM role for `cdk diff` on pull requests. */
export const pullRequestRoleName = (p: Project): string => `${p.name}-github-pull-request`;

/** The OIDC `sub` claim of a job running in a GitHub environment. */
export const environmentSubject = (p: Project, stage: StageName): string =>
  `${p.github.subjectPrefix}:environment:${stage}`;

/** The OIDC `sub` claim of a pull request job. */
export const pullRequestSubject = (p: Project): string => `${p.github.subjectPrefix}:pull_request`;

/** Prefix of every log group of a stage, so IAM policies can name all of them and no other stage's. */
export const logGroupPrefix = (p: Project, stage: StageName): string => `/${p.name}/${stage}/`;

/**
 * SSM path of a stage's settings and secrets (project.ts `parameters`): the stage's hosts may read
 * below it and nowhere else, so each stage has its own values under the same parameter names.
 */
export const parameterPath = (p: Pick<Project, 'name'>, stage: StageName): string => `/${p.name}/${stage}/`;
/** CloudWatch log groups of a stage's hosts. */
export const logGroupNames = (p: Project, stage: StageName) =>
  ({
    service: `${logGroupPrefix(p, stage)}${SERVICE_NAME}`,
    codeDeployAgent: `${logGroupPrefix(p, stage)}codedeploy-agent`,
    codeDeployDeployments: `${logGroupPrefix(p, stage)}codedeploy-deployments`,
  }) as const;

/** Output keys of a stage stack, read back by the release CLI and the workflows. */
export const STAGE_OUTPUTS = {
  endpointUrl: 'EndpointUrl',
  autoScalingGroupName: 'AutoScalingGroupName',
  applicationName: 'ApplicationName',
  deploymentGroupName: 'DeploymentGroupName',
  /** `<ami id> <image name>` the stage's hosts boot, or `unpinned`; promote compares it with the release's. */
  machineImage: 'MachineImage',
} as const;

/** Output keys of the foundation stack. */
export const FOUNDATION_OUTPUTS = {
  artifactBucketName: 'ArtifactBucketName',
  deployRoleArnPrefix: 'DeployRoleArn',
  pullRequestRoleArn: 'PullRequestRoleArn',
  machineImagesRoleArn: 'MachineImagesRoleArn',
} as const;

/** Stack that `cdk bootstrap --qualifier` creates for a stage (one per qualifier in an account and region). */
export const bootstrapStackName = (p: Project, stage: StageName): string => `${p.name}-cdk-bootstrap-${stage}`;

/**
 * Managed policy (created by the foundation stack) that CloudFormation runs a stage stack with:
 * `cdk bootstrap --cloudformation-execution-policies`, instead of the default AdministratorAccess.
 */
export const bootstrapExecutionPolicyName = (p: Project, stage: StageName): string =>
  `${p.name}-cdk-execution-${stage}`;

/**
 * Permissions boundary (created by the foundation stack) of a stage's CloudFormation execution role
 * and of every role the stage stack creates: `cdk bootstrap --custom-permissions-boundary`.
 */
export const stageBoundaryPolicyName = (p: Project, stage: StageName): string => `${p.name}-boundary-${stage}`;

/** The read-only role `cdk diff` assumes as its lookup role: reads the project's stack templates, nothing else. */
export const diffRoleName = (p: Project): string => `${p.name}-cdk-diff`;
