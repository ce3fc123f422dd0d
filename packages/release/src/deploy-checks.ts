// The refusal rules `deploy` applies before it creates a deployment, shared by deploy and
// deploy --check so the check can never drift from what deploy enforces. Only reads: no write call.
import type { StageName } from '@hello/config/define-project';
import { artifactBucketName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { checkAncestry } from './ancestry.ts';
import type { AwsSession } from './aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';
import { assertArtifactBucket, findReleaseObject, type ReleaseObject } from './release-object.ts';
import { stageBefore } from './stage-order.ts';
import { proveStageRan } from './stage-proof.ts';
import { describeLocation } from './successful-revisions.ts';

export interface DeployRequest {
  readonly stage: StageName;
  readonly version: string;
  /** The commits of `--ancestors`, when given. */
  readonly ancestors: ReadonlySet<string> | undefined;
  readonly allowOlder: boolean;
  readonly skipStageOrder: boolean;
}

/**
 * One check's outcome. `passed`: verified (✓ under --check); otherwise deliberately not checked.
 * `checkOnly`: printed under --check only (deploy itself has always been quiet about it).
 */
export interface DeployCheck {
  readonly line: string;
  readonly passed: boolean;
  readonly checkOnly: boolean;
}

/** The release object deploy pins: S3 gave it an object version. */
export type PinnedRelease = ReleaseObject & { readonly versionId: string };

/**
 * Runs deploy's rules in the order deploy applies them and reports each through `report`; the
 * first one that fails throws the CliError deploy prints. Order: the artifact bucket and the
 * release object with an object version; stage order (the stage before must have run this object
 * version on every host) unless skipped; --ancestors against what the stage runs now.
 */
export async function checkDeployRules(
  session: AwsSession,
  request: DeployRequest,
  report: (check: DeployCheck) => void,
): Promise<PinnedRelease> {
  const { stage, version } = request;
  const bucket = await assertArtifactBucket(session);
  const object = await findReleaseObject(session, version);
  if (object === undefined) {
    throw new CliError(
      `release ${version} is not published in s3://${artifactBucketName(project)}: run \`pnpm release publish --version ${version} --file <zip>\` first`,
    );
  }
  if (object.versionId === undefined) {
    throw new CliError(
      `s3://${object.bucket}/${object.key} has no object version id: the artifact bucket must be versioned (the foundation stack does that)`,
    );
  }
  const pinned: PinnedRelease = { ...object, versionId: object.versionId };
  report({
    line: `published: ${describeLocation({ bucket, key: object.key, version: object.versionId })} in the artifact bucket, ETag ${object.eTag ?? 'none'}`,
    passed: true,
    checkOnly: true,
  });
  const before = stageBefore(stage);
  if (before === undefined) {
    report({
      line: `stage order: ${stage} is the first stage; no stage before it to have run ${version}`,
      passed: true,
      checkOnly: true,
    });
  } else if (request.skipStageOrder) {
    report({
      line: `stage order: not checking that ${version} succeeded in ${before} first (--skip-stage-order)`,
      passed: false,
      checkOnly: false,
    });
  } else {
    const proof = await proveStageRan(
      session,
      before,
      version,
      `refusing to deploy ${version} to ${stage} (pass --skip-stage-order to deploy it anyway)`,
    );
    report({
      line: `stage order: ${before} ran ${version} successfully on every host in deployment ${proof.deploymentId}`,
      passed: true,
      checkOnly: false,
    });
    for (const c of proof.checks) report({ line: `stage order: ${c}`, passed: true, checkOnly: true });
  }
  if (request.ancestors === undefined) {
    report({ line: 'ancestry: not checked (no --ancestors)', passed: false, checkOnly: true });
  } else {
    report({
      line: await checkAncestry(session, stage, version, request.ancestors, request.allowOlder),
      passed: true,
      checkOnly: false,
    });
  }
  return pinned;
}
