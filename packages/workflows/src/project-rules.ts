// The project's own workflow rules, beyond what actionlint and GitHub's parser check: least
// privilege, pinned actions, no script injection, safe deploy jobs. Applied to every file at once
// because a reusable workflow's needs decide what its callers must grant.
import type { Finding } from './finding.ts';
import { checkJob, needsIdToken, type JobScope } from './job-rules.ts';
import { isMap, ruleContext, type RuleContext } from './rule-context.ts';
import { checkSteps } from './step-rules.ts';
import type { SourceFile } from './workflow-file.ts';

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.filter((t): t is string => typeof t === 'string');
  return isMap(on) ? Object.keys(on) : [];
}

function checkWorkflow(data: unknown, scope: Omit<JobScope, 'workflowConcurrency'>, ctx: RuleContext): void {
  if (!isMap(data)) return;
  if (triggers(data.on).includes('pull_request_target')) {
    ctx.report(
      'no-pull-request-target',
      ['on'],
      'pull_request_target runs with write access and secrets on code from forks; use pull_request',
    );
  }
  const top = data.permissions;
  if (!isMap(top) || Object.keys(top).length > 0) {
    ctx.report(
      'top-permissions',
      ['permissions'],
      `top-level permissions are ${top === undefined ? 'missing (the repository default applies)' : JSON.stringify(top)}; expected permissions: {} and grants per job`,
    );
  }
  const jobs = isMap(data.jobs) ? data.jobs : {};
  for (const [id, job] of Object.entries(jobs)) {
    checkJob(id, job, { ...scope, workflowConcurrency: data.concurrency }, ctx);
  }
}

/** Project-rule findings for all files (workflows and composite actions), parsed. */
export function checkProjectRules(files: readonly SourceFile[]): Finding[] {
  const findings: Finding[] = [];
  const byPath = new Map(files.map((f) => [f.path, f.source.data]));
  const calledNeedsIdToken = (uses: string): boolean | undefined => {
    const called = byPath.get(uses.replace(/^\.\//, '').replace(/@.*$/, ''));
    if (!isMap(called) || !isMap(called.jobs)) return undefined;
    return Object.values(called.jobs).some(needsIdToken);
  };
  for (const file of files) {
    const ctx = ruleContext(file.path, file.source, findings);
    const data = file.source.data;
    if (file.kind === 'workflow') checkWorkflow(data, { calledNeedsIdToken }, ctx);
    else if (isMap(data) && isMap(data.runs)) checkSteps(data.runs.steps, ['runs', 'steps'], ctx);
  }
  return findings;
}
