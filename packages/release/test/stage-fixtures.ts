// A stage's CodeDeploy history for promote/deploy-order tests: its group, its last successful
// deployment (revision and hosts). Names come from the fixture project, never hard-coded.
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  BatchGetDeploymentTargetsCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentTargetsCommand,
  type DeploymentTarget,
  type S3Location,
} from '@aws-sdk/client-codedeploy';
import type { StageName } from '@hello/config/define-project';
import {
  STAGE_OUTPUTS,
  artifactBucketName,
  codeDeployApplicationName,
  deploymentGroupName,
  releaseKey,
  stageStackName,
} from '@hello/config/naming';
import { project } from '@hello/config/project';
import { host } from './deployment-fixtures.ts';
import type { mockAws } from './release-test-deps.ts';

type Aws = ReturnType<typeof mockAws>;

/** The S3 location of a release as publish leaves it. */
export function releaseAt(version: string, objectVersion: string): S3Location {
  return {
    bucket: artifactBucketName(project),
    key: releaseKey(version),
    bundleType: 'zip',
    version: objectVersion,
    eTag: `etag-${objectVersion}`,
  };
}

export const ALL_OK = [host('i-0aaa', 'Succeeded', 7), host('i-0bbb', 'Succeeded', 7)];

export function groupOf(stage: StageName): { applicationName: string; deploymentGroupName: string } {
  return {
    applicationName: codeDeployApplicationName(project, stage),
    deploymentGroupName: deploymentGroupName(stage),
  };
}

/** `stage`'s group never had a successful deployment. */
export function neverDeployed(aws: Aws, stage: StageName): void {
  aws.codeDeploy.on(GetDeploymentGroupCommand, groupOf(stage)).resolves({ deploymentGroupInfo: {} });
}

/** `stage`'s stack says its hosts boot `image` (`<id> <name>`; by default the one pinned for arm64). */
export function stageBoots(aws: Aws, stage: StageName, image?: string): void {
  const pinned = project.machineImages!.images.arm64;
  aws.cloudFormation.on(DescribeStacksCommand, { StackName: stageStackName(project, stage) }).resolves({
    Stacks: [
      {
        StackName: stageStackName(project, stage),
        CreationTime: new Date(0),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [{ OutputKey: STAGE_OUTPUTS.machineImage, OutputValue: image ?? `${pinned.id} ${pinned.name}` }],
      },
    ],
  });
}

/**
 * `stage`'s last successful (and last attempted, unless given) deployment ran `s3Location` on
 * `hosts`, and its hosts boot the pinned image.
 */
export function stageRan(
  aws: Aws,
  stage: StageName,
  deploymentId: string,
  s3Location: S3Location | undefined,
  options: {
    hosts?: DeploymentTarget[];
    lastAttempted?: { deploymentId: string; status?: 'Failed' | 'InProgress' };
  } = {},
): void {
  const hosts = options.hosts ?? ALL_OK;
  aws.codeDeploy.on(GetDeploymentGroupCommand, groupOf(stage)).resolves({
    deploymentGroupInfo: {
      lastSuccessfulDeployment: { deploymentId, status: 'Succeeded' },
      lastAttemptedDeployment: options.lastAttempted ?? { deploymentId, status: 'Succeeded' },
    },
  });
  aws.codeDeploy.on(GetDeploymentCommand, { deploymentId }).resolves({
    deploymentInfo: {
      deploymentId,
      status: 'Succeeded',
      ...groupOf(stage),
      revision: s3Location === undefined ? undefined : { revisionType: 'S3', s3Location },
    },
  });
  aws.codeDeploy
    .on(ListDeploymentTargetsCommand, { deploymentId })
    .resolves({ targetIds: hosts.map((h) => h.instanceTarget?.targetId as string) });
  aws.codeDeploy.on(BatchGetDeploymentTargetsCommand, { deploymentId }).resolves({ deploymentTargets: hosts });
  stageBoots(aws, stage);
}
