// Finds the files the workflow lint reads, every workflow and every local composite action, and
// parses them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from './finding.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';

export interface WorkflowFile {
  /** Path relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly text: string;
  readonly kind: 'workflow' | 'action';
}

const YAML = /\.ya?ml$/;

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** `.github/workflows/*.yml` and `.github/actions/<name>/action.yml` under root, sorted by path. */
export async function readWorkflowFiles(root: string): Promise<WorkflowFile[]> {
  const files: WorkflowFile[] = [];
  for (const name of (await names(join(root, '.github/workflows'))).filter((n) => YAML.test(n))) {
    const path = `.github/workflows/${name}`;
    files.push({ path, text: await readFile(join(root, path), 'utf8'), kind: 'workflow' });
  }
  for (const action of await names(join(root, '.github/actions'))) {
    for (const name of ['action.yml', 'action.yaml']) {
      const path = `.github/actions/${action}/${name}`;
      const text = await readFile(join(root, path), 'utf8').catch(() => undefined);
      if (text !== undefined) files.push({ path, text, kind: 'action' });
    }
  }
  return files;
}

/** A workflow or action file, parsed. */
export interface SourceFile {
  readonly path: string;
  readonly kind: WorkflowFile['kind'];
  readonly source: YamlSource;
}

/** Parses every file; one that is not valid YAML is a finding (rule `yaml`) and is left out. */
export function parseWorkflowFiles(files: readonly WorkflowFile[]): { sources: SourceFile[]; findings: Finding[] } {
  const sources: SourceFile[] = [];
  const findings: Finding[] = [];
  for (const file of files) {
    try {
      sources.push({ path: file.path, kind: file.kind, source: parseYamlSource(file.text, file.path) });
    } catch (error) {
      findings.push({ file: file.path, line: 0, rule: 'yaml', message: (error as Error).message });
    }
  }
  return { sources, findings };
}
