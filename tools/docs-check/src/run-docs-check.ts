// `pnpm --filter @hello/docs-check check`: every docs check on this repository, one line per
// finding (`file:line: [rule] message`); exit 1 when there is any. `pnpm test` runs the same checks.
import { fileURLToPath } from 'node:url';
import { checkDocs } from './check-docs.ts';
import { docsProject } from './docs-project.ts';
import { formatFinding, type Finding } from './finding.ts';
import { readFacts } from './repo-facts.ts';

/** Prints the findings and returns the exit code. */
export function report(findings: readonly Finding[], log: (line: string) => void): number {
  for (const f of findings) log(formatFinding(f));
  log(findings.length === 0 ? 'docs check: clean' : `docs check: ${findings.length} problem(s)`);
  return findings.length === 0 ? 0 : 1;
}

/* c8 ignore start -- the command-line entry; report() and the checks are tested */
if (import.meta.url === `file://${process.argv[1]}`) {
  // The CloudFormation validator adds seconds and checks nothing the names depend on.
  process.env.CDK_VALIDATION = 'false';
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  process.exitCode = report(checkDocs(await readFacts(root, docsProject)), (line) => console.log(line));
}
/* c8 ignore stop */
