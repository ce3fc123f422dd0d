// `deploy --ancestors <file>`: a stage never moves to an older or unrelated commit by accident.
import { isAbsolute, join } from 'node:path';
import type { StageName } from '@hello/config/define-project';
import { releaseKey } from '@hello/config/naming';
import type { AwsSession } from './aws-session.ts';
import { CliError, UsageError } from '@hello/cli-kit/cli-error';
import type { ReleaseDeps } from './release-deps.ts';
import { describeLocation, findDeploymentGroup, lastSuccessfulDeployment } from './successful-revisions.ts';

/** What `git rev-list` prints: full object names, SHA-1 (40 hex digits) or SHA-256 (64). */
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Reads the output of `git rev-list <version>`: one commit per line, the version itself first,
 * then its ancestors. Anything else is a usage error naming the problem, before any AWS call.
 */
export async function readAncestors(deps: ReleaseDeps, file: string, version: string): Promise<ReadonlySet<string>> {
  const hint = `pass the output of \`git rev-list ${version}\` (one sha per line, ${version} first)`;
  let text: string;
  try {
    text = (await deps.readFile(isAbsolute(file) ? file : join(deps.cwd, file))).toString('utf8');
  } catch (error) {
    throw new UsageError(`--ancestors ${file}: cannot read it (${(error as Error).message}); ${hint}`);
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const [first] = lines;
  if (first === undefined) throw new UsageError(`--ancestors ${file} is empty; ${hint}`);
  const bad = lines.findIndex((l) => !FULL_SHA.test(l));
  if (bad >= 0)
    throw new UsageError(
      `--ancestors ${file}: line ${bad + 1} ${JSON.stringify(lines[bad])} is not a full git commit sha (40 or 64 lowercase hex digits); ${hint}`,
    );
  if (first !== version)
    throw new UsageError(
      `--ancestors ${file} starts with ${first}, not the version being deployed ${version}; ${hint}`,
    );
  return new Set(lines);
}

/**
 * Refuses when the stage's last successful deployment is not the version or one of its ancestors
 * (deploying would move it backwards or sideways), unless `allowOlder` says it is deliberate.
 * Returns the line saying what it found (`ancestry: ...`), which deploy and deploy --check print.
 */
export async function checkAncestry(
  session: AwsSession,
  stage: StageName,
  version: string,
  ancestors: ReadonlySet<string>,
  allowOlder: boolean,
): Promise<string> {
  const group = await findDeploymentGroup(session, stage);
  if (group === undefined)
    return `ancestry: ${stage}'s deployment group does not exist yet (its stack was never deployed), so it runs nothing to compare ${version} with`;
  const last = await lastSuccessfulDeployment(session, group);
  const runs = last?.revision?.s3Location;
  if (last === undefined)
    return `ancestry: ${stage} has no successful deployment yet; nothing to compare ${version} with`;
  const ranVersion = [...ancestors].find((sha) => releaseKey(sha) === runs?.key);
  if (ranVersion !== undefined) {
    return `ancestry: ${stage} runs ${ranVersion === version ? `${version} itself` : `${ranVersion}, an ancestor of ${version}`} (deployment ${last.deploymentId})`;
  }
  const what = `${stage} runs ${describeLocation(runs)} (deployment ${last.deploymentId}), which is neither ${version} nor one of its ancestors`;
  if (allowOlder) return `ancestry: ${what}; allowed by --allow-older`;
  throw new CliError(
    `refusing to deploy ${version} to ${stage}: ${what}, so deploying it would move ${stage} backwards or sideways. For a deliberate rollback or redeploy, pass --allow-older (or use \`pnpm release rollback --stage ${stage}\`)`,
  );
}
