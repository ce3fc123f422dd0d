// The clean fixture repository (test/fixtures/good) and one-edit variants of it for the rule tests.
import { fileURLToPath } from 'node:url';
import { readWorkflowFiles, type WorkflowFile } from '../../src/workflow-file.ts';

export const GOOD_ROOT = fileURLToPath(new URL('../fixtures/good/', import.meta.url));

export const goodFiles = (): Promise<WorkflowFile[]> => readWorkflowFiles(GOOD_ROOT);

/** The fixture files with `from` replaced by `to` in the file ending with `name`; throws if `from` is absent. */
export async function withEdit(name: string, from: string, to: string): Promise<WorkflowFile[]> {
  const files = await goodFiles();
  const target = files.find((f) => f.path.endsWith(name));
  if (target === undefined || !target.text.includes(from)) {
    throw new Error(`fixture edit: ${JSON.stringify(from)} is not in ${name}`);
  }
  return files.map((f) => (f === target ? { ...f, text: f.text.replace(from, to) } : f));
}

/** The one-based line of the first occurrence of text in a file's content. */
export function lineOf(files: readonly WorkflowFile[], name: string, text: string): number {
  const file = files.find((f) => f.path.endsWith(name));
  const index = file?.text.indexOf(text) ?? -1;
  if (file === undefined || index < 0) throw new Error(`fixture: ${JSON.stringify(text)} is not in ${name}`);
  return file.text.slice(0, index).split('\n').length;
}
