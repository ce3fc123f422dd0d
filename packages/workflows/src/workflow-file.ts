// Finds the files the workflow lint reads: every workflow and every local composite action.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

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
