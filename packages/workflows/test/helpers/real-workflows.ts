// The repository's own workflows as plain data, for the pipeline shape tests.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../src/lint-repository.js';

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
  readonly needs?: string | string[];
  readonly if?: string;
  readonly uses?: string;
  readonly with?: Data;
  readonly permissions?: Data;
  readonly environment?: { name: string; url?: string };
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly env?: Data;
  readonly steps?: Step[];
}

export interface Workflow {
  readonly on: Data;
  readonly permissions: Data;
  readonly jobs: Record<string, Job>;
}

/** Parses `.github/<path>` of this repository. */
export const readWorkflow = (path: string): Workflow =>
  parse(readFileSync(`${REPO_ROOT}.github/${path}`, 'utf8')) as Workflow;

/** Every step of a job that runs a command matching pattern. */
export const stepsRunning = (job: Job | undefined, pattern: RegExp): Step[] =>
  (job?.steps ?? []).filter((s) => typeof s.run === 'string' && pattern.test(s.run));

/** Every step of a job that uses the action `owner/repo`. */
export const stepsUsing = (job: Job | undefined, action: string): Step[] =>
  (job?.steps ?? []).filter((s) => s.uses?.startsWith(`${action}@`) === true);
