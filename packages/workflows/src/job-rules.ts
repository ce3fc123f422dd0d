// Project rules for one job: explicit permissions, OIDC only where a role is assumed, a timeout,
// an environment plus a never-cancelling concurrency group on every job that deploys, nothing
// brought in after credentials exist, and an AWS session that outlives the job.
import { isMap, type Json, type RuleContext } from './rule-context.ts';
import { assumesRole, bringsCode, checkSteps, deploys } from './step-rules.ts';

/** configure-aws-credentials' default session (its action.yml: "Default is one hour."). */
const DEFAULT_SESSION_SECONDS = 3600;

export interface JobScope {
  /** The workflow's top-level `concurrency`, which also serializes its jobs. */
  readonly workflowConcurrency: unknown;
  /** Whether a local reusable workflow (`./.github/workflows/x.yml`) has a job that needs `id-token: write`; undefined when unknown. */
  calledNeedsIdToken(uses: string): boolean | undefined;
}

const grantsIdToken = (job: Json): boolean => isMap(job.permissions) && job.permissions['id-token'] === 'write';

/** Whether a job (with steps) needs an OIDC token: it assumes a role. */
export const needsIdToken = (job: unknown): boolean =>
  isMap(job) && Array.isArray(job.steps) && job.steps.some(assumesRole);

function checkPermissions(id: string, job: Json, ctx: RuleContext): void {
  if (!isMap(job.permissions)) {
    ctx.report(
      'job-permissions',
      ['jobs', id],
      `job "${id}" has ${job.permissions === undefined ? 'no permissions' : `permissions: ${JSON.stringify(job.permissions)}`}; expected a map granting only what it uses, e.g. permissions: { contents: read }`,
    );
  }
}

function checkOidc(id: string, job: Json, scope: JobScope, ctx: RuleContext): void {
  const granted = grantsIdToken(job);
  const steps: unknown[] = Array.isArray(job.steps) ? job.steps : [];
  steps.forEach((step, i) => {
    if (assumesRole(step) && isMap(step) && isMap(step.with) && step.with['aws-access-key-id'] !== undefined) {
      ctx.report(
        'oidc',
        ['jobs', id, 'steps', i, 'with', 'aws-access-key-id'],
        `job "${id}" passes stored AWS keys; expected role-to-assume with OIDC (permissions: id-token: write)`,
      );
    }
  });
  const needed = typeof job.uses === 'string' ? scope.calledNeedsIdToken(job.uses) : needsIdToken(job);
  if (needed === true && !granted) {
    ctx.report(
      'oidc',
      ['jobs', id, 'permissions'],
      `job "${id}" assumes an AWS role but does not grant permissions: id-token: write`,
    );
  } else if (needed === false && granted) {
    ctx.report(
      'oidc',
      ['jobs', id, 'permissions', 'id-token'],
      `job "${id}" grants id-token: write but assumes no role; grant it only where aws-actions/configure-aws-credentials runs`,
    );
  }
}

function neverCancels(concurrency: unknown): boolean {
  if (typeof concurrency === 'string') return concurrency.length > 0;
  return (
    isMap(concurrency) &&
    typeof concurrency.group === 'string' &&
    concurrency.group.length > 0 &&
    (concurrency['cancel-in-progress'] === undefined || concurrency['cancel-in-progress'] === false)
  );
}

function checkDeploy(id: string, job: Json, scope: JobScope, ctx: RuleContext): void {
  if (!Array.isArray(job.steps) || !job.steps.some(deploys)) return;
  if (job.environment === undefined) {
    ctx.report(
      'deploy-environment',
      ['jobs', id],
      `job "${id}" deploys but has no environment; expected environment: <stage> (its role trusts only that environment, and its protection rules gate the deploy)`,
    );
  }
  if (!neverCancels(job.concurrency ?? scope.workflowConcurrency)) {
    ctx.report(
      'deploy-concurrency',
      ['jobs', id],
      `job "${id}" deploys without a concurrency group that keeps running deploys; expected concurrency: { group: deploy-<stage>, cancel-in-progress: false }`,
    );
  }
}

// Every checkout, install script and library that enters after the role is assumed runs with the
// credentials; a job that holds them should run only what an earlier, credential-free job built.
function checkCodeAfterCredentials(id: string, steps: readonly unknown[], ctx: RuleContext): void {
  const assumed = steps.findIndex(assumesRole);
  steps.forEach((step, i) => {
    if (assumed >= 0 && i > assumed && bringsCode(step)) {
      ctx.report(
        'code-after-credentials',
        ['jobs', id, 'steps', i],
        `job "${id}" brings code in (checkout, setup action or package install) after it assumes an AWS role in step ${assumed + 1}; do it before configure-aws-credentials, or run what a credential-free job built`,
      );
    }
  });
}

// A session shorter than the job expires mid-deploy (CloudFormation or CodeDeploy calls then
// fail halfway); the job's timeout is the bound, so the session must cover it.
function checkSessionLength(id: string, job: Json, steps: readonly unknown[], ctx: RuleContext): void {
  const minutes = job['timeout-minutes'];
  if (typeof minutes !== 'number') return;
  steps.forEach((step, i) => {
    if (!assumesRole(step)) return;
    const given = (step as { with?: Json }).with?.['role-duration-seconds'];
    const seconds = given === undefined ? DEFAULT_SESSION_SECONDS : Number(given);
    if (!(seconds >= minutes * 60)) {
      ctx.report(
        'session-length',
        ['jobs', id, 'steps', i, 'with', 'role-duration-seconds'],
        `job "${id}" may run ${minutes} min (timeout-minutes) but its AWS session lasts ${JSON.stringify(given ?? seconds)} s (role-duration-seconds); expected role-duration-seconds >= timeout-minutes * 60 (${minutes * 60})`,
      );
    }
  });
}

/** All project rules for the job `id`. */
export function checkJob(id: string, job: unknown, scope: JobScope, ctx: RuleContext): void {
  if (!isMap(job)) return;
  checkPermissions(id, job, ctx);
  checkOidc(id, job, scope, ctx);
  // A job that calls a reusable workflow takes no timeout; the called workflow's jobs carry theirs.
  if (typeof job.uses !== 'string' && job['timeout-minutes'] === undefined) {
    ctx.report(
      'timeout',
      ['jobs', id],
      `job "${id}" has no timeout-minutes; a hung step would hold a runner (and a stage's deploy lock) for 6 hours`,
    );
  }
  checkDeploy(id, job, scope, ctx);
  const steps: unknown[] = Array.isArray(job.steps) ? job.steps : [];
  checkCodeAfterCredentials(id, steps, ctx);
  checkSessionLength(id, job, steps, ctx);
  checkSteps(job.steps, ['jobs', id, 'steps'], ctx);
}
