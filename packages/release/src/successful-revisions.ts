// What a stage ran successfully: its deployment group, its last successful deployment, and the
// history rollback walks back through.
import {
  BatchGetDeploymentsCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  paginateListDeployments,
  type DeploymentGroupInfo,
  type DeploymentInfo,
  type S3Location,
} from '@aws-sdk/client-codedeploy';
import type { StageName } from '@hello/config/define-project';
import { codeDeployApplicationName, deploymentGroupName, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { AwsSession } from './aws-session.ts';

/** How many past successful deployments rollback looks through. */
const MAX_HISTORY = 100;
const BATCH = 25;

export function sameObject(a: S3Location | undefined, b: S3Location | undefined): boolean {
  return a !== undefined && b !== undefined && a.bucket === b.bucket && a.key === b.key && a.version === b.version;
}

export function describeLocation(s3: S3Location | undefined): string {
  if (s3 === undefined) return 'a revision that is not in S3';
  return `s3://${s3.bucket ?? '?'}/${s3.key ?? '?'} (object version ${s3.version ?? 'none'})`;
}

/** A successful deployment of an S3 revision, with the fields rollback and promote rely on. */
export type S3Deployment = DeploymentInfo & {
  readonly deploymentId: string;
  readonly revision: { readonly s3Location: S3Location };
};

function isS3Deployment(d: DeploymentInfo): d is S3Deployment {
  return d.deploymentId !== undefined && d.revision?.s3Location !== undefined;
}

/** The stage's deployment group (lastSuccessfulDeployment, lastAttemptedDeployment). */
export async function readDeploymentGroup(session: AwsSession, stage: StageName): Promise<DeploymentGroupInfo> {
  const applicationName = codeDeployApplicationName(project, stage);
  const group = deploymentGroupName(stage);
  const out = await session.call(
    'codedeploy:GetDeploymentGroup',
    `${applicationName}/${group}`,
    () =>
      session.clients.codeDeploy.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName: group })),
    stageStackName(project, stage),
  );
  return out.deploymentGroupInfo ?? {};
}

/** GetDeploymentGroup's @throws (client-codedeploy) when the stage's stack has not created them. */
const MISSING_GROUP = new Set(['ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException']);

/**
 * The stage's group, or undefined when its application or group does not exist yet (its stack was
 * never deployed: `deploy --check` runs before the pipeline's first `cdk deploy` of a stage).
 */
export async function findDeploymentGroup(
  session: AwsSession,
  stage: StageName,
): Promise<DeploymentGroupInfo | undefined> {
  const applicationName = codeDeployApplicationName(project, stage);
  const group = deploymentGroupName(stage);
  try {
    const out = await session.clients.codeDeploy.send(
      new GetDeploymentGroupCommand({ applicationName, deploymentGroupName: group }),
    );
    return out.deploymentGroupInfo ?? {};
  } catch (error) {
    if (MISSING_GROUP.has(String((error as { name?: unknown }).name))) return undefined;
    throw session.explain(
      error,
      'codedeploy:GetDeploymentGroup',
      `${applicationName}/${group}`,
      stageStackName(project, stage),
    );
  }
}

/** The last successful deployment of a group (from readDeploymentGroup), or undefined when it never had one. */
export async function lastSuccessfulDeployment(
  session: AwsSession,
  info: DeploymentGroupInfo,
): Promise<(DeploymentInfo & { readonly deploymentId: string }) | undefined> {
  const deploymentId = info.lastSuccessfulDeployment?.deploymentId;
  if (deploymentId === undefined) return undefined;
  const out = await session.call('codedeploy:GetDeployment', deploymentId, () =>
    session.clients.codeDeploy.send(new GetDeploymentCommand({ deploymentId })),
  );
  return { ...out.deploymentInfo, deploymentId };
}

/** The stage's successful deployments of S3 revisions (newest 100), oldest first. */
export async function successfulHistory(session: AwsSession, stage: StageName): Promise<S3Deployment[]> {
  const applicationName = codeDeployApplicationName(project, stage);
  const group = deploymentGroupName(stage);
  const { codeDeploy } = session.clients;
  const ids: string[] = [];
  await session.call('codedeploy:ListDeployments', `${applicationName}/${group}`, async () => {
    const pages = paginateListDeployments(
      { client: codeDeploy },
      { applicationName, deploymentGroupName: group, includeOnlyStatuses: ['Succeeded'] },
    );
    for await (const page of pages) {
      ids.push(...(page.deployments ?? []));
      if (ids.length >= MAX_HISTORY) break;
    }
  });
  const infos: DeploymentInfo[] = [];
  for (let i = 0; i < Math.min(ids.length, MAX_HISTORY); i += BATCH) {
    const deploymentIds = ids.slice(i, i + BATCH);
    const out = await session.call('codedeploy:BatchGetDeployments', `${applicationName}/${group}`, () =>
      codeDeploy.send(new BatchGetDeploymentsCommand({ deploymentIds })),
    );
    infos.push(...(out.deploymentsInfo ?? []));
  }
  // ListDeployments promises no order: oldest first by creation time.
  const created = (d: DeploymentInfo): number => d.createTime?.getTime() ?? 0;
  return infos.filter(isS3Deployment).sort((a, b) => created(a) - created(b));
}

/**
 * The stage's release stack, replayed from its successful deployments oldest first: a revision
 * it never ran goes on top; a revision already on the stack takes the stack back to it, and
 * everything above it is dropped (it was rolled away from). The top is what the stage runs; one
 * rollback deploys the entry below it, so a second rollback goes further back, never forward to
 * the release the first one left.
 */
export function releaseStack(history: readonly S3Deployment[]): S3Deployment[] {
  const stack: S3Deployment[] = [];
  for (const d of history) {
    const at = stack.findIndex((s) => sameObject(s.revision.s3Location, d.revision.s3Location));
    if (at >= 0) stack.splice(at);
    stack.push(d);
  }
  return stack;
}
