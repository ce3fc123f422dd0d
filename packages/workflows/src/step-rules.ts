// Project rules for steps (of a job or a composite action): pinned actions, no `${{ }}` in
// scripts, checkouts that leave no token behind.
import { isMap, type RuleContext } from './rule-context.js';
import type { YamlPath } from './yaml-source.js';

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const DOCKER_PINNED = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const VERSION_COMMENT = /#\s*v\d+(?:\.\d+){0,2}\b/;

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
    ctx.report('pinned-uses', at, `"${uses}" is not pinned; expected owner/repo@<40-hex commit sha> # vX.Y.Z (a tag or branch can be moved)`);
  } else if (!VERSION_COMMENT.test(ctx.source.lineText(ctx.source.lineOf(at)))) {
    ctx.report('pinned-uses', at, `"${uses}" has no version comment; expected "# vX.Y.Z" after the sha, naming the release it is`);
  }
}

function checkStep(step: unknown, at: YamlPath, ctx: RuleContext): void {
  if (!isMap(step)) return;
  if (typeof step.run === 'string' && step.run.includes('${{')) {
    ctx.report('run-expression', [...at, 'run'],
      '`${{ }}` inside run: is pasted into the script before it runs (script injection); pass the value through env: and use "$NAME"');
  }
  if (typeof step.uses !== 'string') return;
  checkUses(step.uses, [...at, 'uses'], ctx);
  if (step.uses.startsWith('actions/checkout@')) {
    const persist = isMap(step.with) ? step.with['persist-credentials'] : undefined;
    if (persist !== false && persist !== 'false') {
      ctx.report('checkout-credentials', [...at, 'uses'],
        'actions/checkout leaves the token in .git/config for every later step; set with: persist-credentials: false');
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

/** Commands that change a stage: deploying a stack or a release, publishing, rolling back. */
const DEPLOY_COMMAND = /\binfra:deploy\b|\brelease\s+(?:publish|deploy|promote|rollback)\b/;

/** True when a step runs a command that changes AWS resources of a stage. */
export const deploys = (step: unknown): boolean =>
  isMap(step) && typeof step.run === 'string' && DEPLOY_COMMAND.test(step.run);
