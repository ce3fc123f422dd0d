// What a stage ran successfully: its last successful deployment and the revision before it.
import {
  BatchGetDeploymentsCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  paginateListDeployments,
  type DeploymentInfo,
  type S3Location,
} from '@aws-sdk/client-codedeploy';
import type { StageName } from '@hello/config/define-project';
import { codeDeployApplicationName, deploymentGroupName, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import type { AwsSession } from './aws-session.js';

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
export type S3Deployment = DeploymentInfo & { readonly deploymentId: string; readonly revision: { readonly s3Location: S3Location } };

function isS3Deployment(d: DeploymentInfo): d is S3Deployment {
  return d.deploymentId !== undefined && d.revision?.s3Location !== undefined;
}

/** The stage's last successful deployment, or undefined when it never had one. */
export async function lastSuccessfulDeployment(session: AwsSession, stage: StageName): Promise<(DeploymentInfo & { readonly deploymentId: string }) | undefined> {
  const applicationName = codeDeployApplicationName(project, stage);
  const group = deploymentGroupName(stage);
  const stack = stageStackName(project, stage);
  const { codeDeploy } = session.clients;
  const out = await session.call('codedeploy:GetDeploymentGroup', `${applicationName}/${group}`, () =>
    codeDeploy.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName: group })), stack);
  const deploymentId = out.deploymentGroupInfo?.lastSuccessfulDeployment?.deploymentId;
  if (deploymentId === undefined) return undefined;
  const info = await session.call('codedeploy:GetDeployment', deploymentId, () => codeDeploy.send(new GetDeploymentCommand({ deploymentId })));
  return { ...info.deploymentInfo, deploymentId };
}

/** The newest successful deployment whose S3 object differs from `current`. */
export async function previousSuccessfulDeployment(session: AwsSession, stage: StageName, current: S3Location | undefined): Promise<S3Deployment | undefined> {
  const applicationName = codeDeployApplicationName(project, stage);
  const group = deploymentGroupName(stage);
  const { codeDeploy } = session.clients;
  const ids: string[] = [];
  await session.call('codedeploy:ListDeployments', `${applicationName}/${group}`, async () => {
    const pages = paginateListDeployments({ client: codeDeploy }, { applicationName, deploymentGroupName: group, includeOnlyStatuses: ['Succeeded'] });
    for await (const page of pages) {
      ids.push(...(page.deployments ?? []));
      if (ids.length >= MAX_HISTORY) break;
    }
  });
  const infos: DeploymentInfo[] = [];
  for (let i = 0; i < Math.min(ids.length, MAX_HISTORY); i += BATCH) {
    const deploymentIds = ids.slice(i, i + BATCH);
    const out = await session.call('codedeploy:BatchGetDeployments', `${applicationName}/${group}`, () =>
      codeDeploy.send(new BatchGetDeploymentsCommand({ deploymentIds })));
    infos.push(...(out.deploymentsInfo ?? []));
  }
  // ListDeployments promises no order; newest first by creation time.
  const created = (d: DeploymentInfo): number => d.createTime?.getTime() ?? 0;
  infos.sort((a, b) => created(b) - created(a));
  return infos.filter(isS3Deployment).find((d) => !sameObject(d.revision.s3Location, current));
}
