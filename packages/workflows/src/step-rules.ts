// Project rules for steps (of a job or a composite action): pinned actions, no `${{ }}` in
// scripts, checkouts that leave no token behind, release deploys that know the version's ancestors.
import { isMap, type RuleContext } from './rule-context.ts';
import type { YamlPath } from './yaml-source.ts';

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const DOCKER_PINNED = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const VERSION_COMMENT = /^\s*v\d+(?:\.\d+){0,2}\b/;
const RELEASE_DEPLOY = /\brelease(?:\.mjs)?\s+deploy\b/;

/** `owner/repo@<sha> # vX.Y.Z`, a pinned image digest, or a local `./` path. */
export function checkUses(uses: string, at: YamlPath, ctx: RuleContext): void {
  if (uses.startsWith('./')) return;
  if (uses.startsWith('docker://')) {
    if (!DOCKER_PINNED.test(uses)) {
      ctx.report('pinned-uses', at, `"${uses}" is not pinned; expected docker://image@sha256:<64 hex digest>`);
    }
    return;
  }
  if (!PINNED.test(uses)) {
    ctx.report(
      'pinned-uses',
      at,
      `"${uses}" is not pinned; expected owner/repo@<40-hex commit sha> # vX.Y.Z (a tag or branch can be moved)`,
    );
  } else if (!VERSION_COMMENT.test(ctx.source.commentOf(at) ?? '')) {
    ctx.report(
      'pinned-uses',
      at,
      `"${uses}" has no version comment; expected "# vX.Y.Z" after the sha, naming the release it is`,
    );
  }
}

function checkStep(step: unknown, at: YamlPath, ctx: RuleContext): void {
  if (!isMap(step)) return;
  if (typeof step.run === 'string' && step.run.includes('${{')) {
    ctx.report(
      'run-expression',
      [...at, 'run'],
      '`${{ }}` inside run: is pasted into the script before it runs (script injection); pass the value through env: and use "$NAME"',
    );
  }
  if (typeof step.run === 'string' && RELEASE_DEPLOY.test(step.run) && !/--ancestors\s/.test(step.run)) {
    ctx.report(
      'deploy-ancestors',
      [...at, 'run'],
      "release deploy without --ancestors <file> lets an older run move a stage back to an older commit; pass the build's `git rev-list <version>` file (and --allow-older only from an explicit rollback input)",
    );
  }
  if (typeof step.uses !== 'string') return;
  checkUses(step.uses, [...at, 'uses'], ctx);
  if (step.uses.startsWith('actions/checkout@')) {
    const persist = isMap(step.with) ? step.with['persist-credentials'] : undefined;
    if (persist !== false && persist !== 'false') {
      ctx.report(
        'checkout-credentials',
        [...at, 'uses'],
        'actions/checkout leaves the token in .git/config for every later step; set with: persist-credentials: false',
      );
    }
  }
}

/** Checks each step of a `steps:` list. */
export function checkSteps(steps: unknown, at: YamlPath, ctx: RuleContext): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => checkStep(step, [...at, i], ctx));
}

/** True when a step assumes an AWS role (configure-aws-credentials). */
export const assumesRole = (step: unknown): boolean =>
  isMap(step) && typeof step.uses === 'string' && step.uses.startsWith('aws-actions/configure-aws-credentials@');

/** Commands that change a stage: deploying a stack (`pnpm infra:deploy`, `cdk deploy`) or a release, publishing, rolling back. */
const DEPLOY_COMMAND =
  /\binfra:deploy\b|\bcdk"?\s+deploy\b|\brelease(?:\.mjs)?\s+(?:publish|deploy|promote|rollback)\b/;

/** True when a step runs a command that changes AWS resources of a stage. */
export const deploys = (step: unknown): boolean =>
  isMap(step) && typeof step.run === 'string' && DEPLOY_COMMAND.test(step.run);

/** Package installs and runners that fetch and run registry code: `npm ci`, `pnpm install`, `npx`, `pnpm dlx` ... */
const INSTALL_COMMAND = /\b(?:npm|pnpm|yarn)\s+(?:install|i|ci|add)\b|\bnpx\s|\bpnpm\s+dlx\b|\byarn\s+dlx\b/;

/** True when a step brings code into the job: a checkout, the workspace setup action, or a package install. */
export const bringsCode = (step: unknown): boolean =>
  isMap(step) &&
  ((typeof step.uses === 'string' &&
    (step.uses.startsWith('actions/checkout@') || step.uses.startsWith('./.github/actions/'))) ||
    (typeof step.run === 'string' && INSTALL_COMMAND.test(step.run)));
