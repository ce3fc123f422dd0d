// The repository's own workflows as plain data, for the pipeline shape tests, and one-line
// mutations of them, to show that each check fails when the line it protects changes.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../src/lint-repository.ts';

export type Data = Record<string, unknown>;

export interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Data;
  readonly env?: Data;
}

export interface Job {
  readonly name?: string;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly uses?: string;
  readonly with?: Data;
  readonly permissions?: Data;
  readonly outputs?: Data;
  readonly environment?: { name: string; url?: string };
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly 'timeout-minutes'?: number;
  readonly env?: Data;
  readonly steps?: Step[];
}

export interface Workflow {
  readonly on: Data;
  readonly permissions: Data;
  readonly jobs: Record<string, Job>;
}

/** The text of `.github/<path>` in this repository. */
export const readWorkflowText = (path: string): string => readFileSync(`${REPO_ROOT}.github/${path}`, 'utf8');

/** Parses `.github/<path>` of this repository. */
export const readWorkflow = (path: string): Workflow => parse(readWorkflowText(path)) as Workflow;

/**
 * text with one line changed: the `nth` occurrence of `from` (a part of one line, or a whole line
 * with its newline when `to` is empty) becomes `to`. Throws when that occurrence does not exist,
 * or when the edit would span lines, so a mutation test cannot silently test nothing.
 */
export function mutateLine(text: string, from: string, to: string, nth = 0): string {
  if (from.slice(0, -1).includes('\n') || to.includes('\n') || (from.endsWith('\n') && to !== '')) {
    throw new Error(`mutation ${JSON.stringify(from)} -> ${JSON.stringify(to)} is not a one-line edit`);
  }
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(from, at + 1);
    if (at < 0) throw new Error(`mutation: occurrence ${nth} of ${JSON.stringify(from)} is not in the workflow`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The three pipeline workflows, parsed, with an optional one-line mutation of one of them. */
export interface Pipeline {
  readonly deploy: Workflow;
  readonly stage: Workflow;
  readonly ci: Workflow;
}

export const PIPELINE_FILES = {
  deploy: 'workflows/deploy.yml',
  stage: 'workflows/deploy-stage.yml',
  ci: 'workflows/ci.yml',
} as const;

export interface Mutation {
  readonly file: keyof Pipeline;
  readonly from: string;
  readonly to: string;
  readonly nth?: number;
}

export function readPipeline(mutation?: Mutation): Pipeline {
  const load = (file: keyof Pipeline): Workflow => {
    const text = readWorkflowText(PIPELINE_FILES[file]);
    return parse(
      mutation?.file === file ? mutateLine(text, mutation.from, mutation.to, mutation.nth) : text,
    ) as Workflow;
  };
  return { deploy: load('deploy'), stage: load('stage'), ci: load('ci') };
}

/** Every step of a job that runs a command matching pattern. */
export const stepsRunning = (job: Job | undefined, pattern: RegExp): Step[] =>
  (job?.steps ?? []).filter((s) => typeof s.run === 'string' && pattern.test(s.run));

/** Every step of a job that uses the action `owner/repo`. */
export const stepsUsing = (job: Job | undefined, action: string): Step[] =>
  (job?.steps ?? []).filter((s) => s.uses?.startsWith(`${action}@`) === true);
