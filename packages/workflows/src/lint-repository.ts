// The workflow lint: actionlint, GitHub's parser and the project rules on every workflow and
// composite action of a repository, printed one line per problem.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFinding, type Finding } from './finding.ts';
import { checkProjectRules } from './project-rules.ts';
import { runActionlint } from './run-actionlint.ts';
import { runWorkflowParser } from './run-workflow-parser.ts';
import { checkToolInstalls, checkToolList } from './tool-installs.ts';
import { parseWorkflowFiles, readWorkflowFiles } from './workflow-file.ts';
import { readWorkspace } from './workspace.ts';

/** The repository this package lives in (packages/workflows/src -> root). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every finding of every checker for the workflows and actions under root. */
export async function lintRepository(root: string): Promise<Finding[]> {
  const files = await readWorkflowFiles(root);
  if (!files.some((f) => f.kind === 'workflow')) {
    return [
      {
        file: '.github/workflows',
        line: 0,
        rule: 'files',
        message: `no workflow files under ${root}; expected .github/workflows/*.yml`,
      },
    ];
  }
  const findings: Finding[] = [];
  // actionlint's wasm runtime is shared global state: run the files one after another.
  for (const file of files) {
    findings.push(...(await runActionlint(file)), ...(await runWorkflowParser(file)));
  }
  const parsed = parseWorkflowFiles(files);
  const workspace = readWorkspace(root);
  return [
    ...findings,
    ...parsed.findings,
    ...checkProjectRules(parsed.sources),
    ...checkToolInstalls(parsed.sources, workspace),
    ...checkToolList(workspace),
  ];
}

/** Lints root (default: this repository), prints the result and returns the exit code. */
export async function main(args: readonly string[], log: (line: string) => void): Promise<number> {
  const root = resolve(args[0] ?? REPO_ROOT);
  const findings = await lintRepository(root);
  for (const f of findings) log(formatFinding(f));
  log(findings.length === 0 ? 'workflow lint: clean' : `workflow lint: ${findings.length} problem(s)`);
  return findings.length === 0 ? 0 : 1;
}
