// The clean fixture repository (test/fixtures/good), read and parsed, and this repository's own
// workflow files, for the rule tests.
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../src/lint-repository.ts';
import { parseWorkflowFiles, readWorkflowFiles, type SourceFile } from '../../src/workflow-file.ts';

export const GOOD_ROOT = fileURLToPath(new URL('../fixtures/good/', import.meta.url));

/** The workflow and action files under root, parsed (they must all be valid YAML). */
export async function sourcesOf(root: string): Promise<SourceFile[]> {
  const { sources, findings } = parseWorkflowFiles(await readWorkflowFiles(root));
  if (findings.length > 0) throw new Error(findings.map((f) => f.message).join('\n'));
  return sources;
}

export const goodSources = (): Promise<SourceFile[]> => sourcesOf(GOOD_ROOT);
export const realSources = (): Promise<SourceFile[]> => sourcesOf(REPO_ROOT);
