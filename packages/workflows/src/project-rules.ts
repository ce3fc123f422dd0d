// The project's own workflow rules, beyond what actionlint and GitHub's parser check: least
// privilege, pinned actions, no script injection, safe deploy jobs. Applied to every file at once
// because a reusable workflow's needs decide what its callers must grant.
import type { Finding } from './finding.ts';
import { checkJob, needsIdToken, type JobScope } from './job-rules.ts';
import { isMap, ruleContext, type RuleContext } from './rule-context.ts';
import { checkSteps } from './step-rules.ts';
import type { WorkflowFile } from './workflow-file.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';

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

/** Project-rule findings for all files (workflows and composite actions). */
export function checkProjectRules(files: readonly WorkflowFile[]): Finding[] {
  const findings: Finding[] = [];
  const parsed = new Map<string, YamlSource>();
  for (const file of files) {
    try {
      parsed.set(file.path, parseYamlSource(file.text, file.path));
    } catch (error) {
      findings.push({ file: file.path, line: 0, rule: 'yaml', message: (error as Error).message });
    }
  }
  const calledNeedsIdToken = (uses: string): boolean | undefined => {
    const called = parsed.get(uses.replace(/^\.\//, '').replace(/@.*$/, ''))?.data;
    if (!isMap(called) || !isMap(called.jobs)) return undefined;
    return Object.values(called.jobs).some(needsIdToken);
  };
  for (const file of files) {
    const source = parsed.get(file.path);
    if (source === undefined) continue;
    const ctx = ruleContext(file.path, source, findings);
    if (file.kind === 'workflow') checkWorkflow(source.data, { calledNeedsIdToken }, ctx);
    else if (isMap(source.data) && isMap(source.data.runs)) checkSteps(source.data.runs.steps, ['runs', 'steps'], ctx);
  }
  return findings;
}
