// The repository's own workflows as plain data, for the pipeline shape tests, and changes of
// their parsed documents, to show that each check fails when what it protects changes.
import { readFileSync } from 'node:fs';
import type { Document } from 'yaml';
import { REPO_ROOT } from '../../src/lint-repository.ts';
import { parseYamlSource, type YamlPath, type YamlSource } from '../../src/yaml-source.ts';
import { stepPath } from './edit.ts';

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

export const PIPELINE_FILES = {
  deploy: '.github/workflows/deploy.yml',
  stage: '.github/workflows/deploy-stage.yml',
  ci: '.github/workflows/ci.yml',
} as const;

export type PipelineFile = keyof typeof PIPELINE_FILES;
export type Pipeline = Readonly<Record<PipelineFile, Workflow>>;

const sources = Object.fromEntries(
  Object.entries(PIPELINE_FILES).map(([key, path]) => [
    key,
    parseYamlSource(readFileSync(`${REPO_ROOT}${path}`, 'utf8'), path),
  ]),
) as Record<PipelineFile, YamlSource>;

/** A change of one workflow's parsed document that a check must notice. */
export interface Mutation {
  readonly file: PipelineFile;
  /** What the change breaks, for the test's name. */
  readonly what: string;
  readonly change: (doc: Document) => void;
}

/** The three pipeline workflows as data, with an optional change to one of them. */
export function readPipeline(mutation?: Mutation): Pipeline {
  const data = (file: PipelineFile): Workflow =>
    (mutation?.file === file ? sources[file].edited(mutation.change) : sources[file]).data as Workflow;
  return { deploy: data('deploy'), stage: data('stage'), ci: data('ci') };
}

/** The path of the one step of job `id` whose name, uses, run or artifact name (one per line) matches. */
export const step = (doc: Document, id: string, match: RegExp): YamlPath =>
  stepPath(doc, ['jobs', id, 'steps'], (s) =>
    match.test(
      [s.name, s.uses, s.run, (s.with as Data | undefined)?.name].filter((v) => typeof v === 'string').join('\n'),
    ),
  );

/** Every step of a job that runs a command matching pattern. */
export const stepsRunning = (job: Job | undefined, pattern: RegExp): Step[] =>
  (job?.steps ?? []).filter((s) => typeof s.run === 'string' && pattern.test(s.run));

/** Every step of a job that uses the action `owner/repo`. */
export const stepsUsing = (job: Job | undefined, action: string): Step[] =>
  (job?.steps ?? []).filter((s) => s.uses?.startsWith(`${action}@`) === true);
