// Rules `teardown-order`, `teardown-complete` and `retained`: wherever the docs delete stacks,
// no stack goes before one deleted after it that needs it; the teardown deletes every stack the setup
// creates; and it names everything that stays behind (retained resources, the bootstrap asset
// buckets, the log groups the stacks' functions write), so a reader can remove it.
import { namePattern } from './check-names.ts';
import type { Finding } from './finding.ts';
import { commandsOf, type Quote } from './markdown.ts';
import type { Facts } from './repo-facts.ts';
import { needs, type StackFacts } from './stack-graph.ts';

interface Deletion {
  readonly stack: StackFacts;
  readonly quote: Quote;
}

/** The stacks a command deletes: `pnpm infra:destroy`, `cdk destroy`, `aws cloudformation delete-stack`. */
function deletedBy(words: readonly string[]): string[] {
  const at = (program: string) => words.indexOf(program);
  if (at('infra:destroy') >= 0) return words.slice(at('infra:destroy') + 1).filter((w) => !w.startsWith('-'));
  if (at('cdk') >= 0 && words[at('cdk') + 1] === 'destroy')
    return words.slice(at('cdk') + 2).filter((w) => !w.startsWith('-'));
  if (words.includes('delete-stack')) return words.filter((w, i) => words[i - 1] === '--stack-name');
  return [];
}

/** The deletions of each document section, in the order the reader runs them. */
function deletionsBySection(facts: Facts): Map<string, Deletion[]> {
  const sections = new Map<string, Deletion[]>();
  for (const quote of facts.parsed.quotes) {
    for (const words of commandsOf(quote.text)) {
      for (const name of deletedBy(words)) {
        const stack = facts.stacks.find((s) => s.name === name);
        if (stack === undefined) continue;
        const key = `${quote.doc}#${quote.section}`;
        sections.set(key, [...(sections.get(key) ?? []), { stack, quote }]);
      }
    }
  }
  return sections;
}

export function checkTeardown(facts: Facts, teardownDoc: string): Finding[] {
  const findings: Finding[] = [];
  const sections = deletionsBySection(facts);
  for (const deletions of sections.values()) {
    deletions.forEach(({ stack, quote }, i) => {
      // A stack deleted later in the same section that needs this one (a section that deletes only
      // some stacks assumes the others are gone; infra:destroy itself refuses when they are not).
      const later = new Set(deletions.slice(i + 1).map((d) => d.stack.name));
      const users = facts.stacks.filter((u) => later.has(u.name) && needs(u, stack)).map((u) => u.name);
      if (users.length > 0) {
        findings.push({
          file: quote.doc,
          line: quote.line,
          rule: 'teardown-order',
          message: `deletes ${stack.name} before ${users.join(', ')}, which ${users.length === 1 ? 'needs' : 'need'} it (their resources name what it creates); delete ${users.length === 1 ? 'that' : 'those'} first`,
        });
      }
    });
  }
  const inDoc = [...sections]
    .filter(([key]) => key.startsWith(`${teardownDoc}#`))
    .flatMap(([, d]) => d.map((x) => x.stack.name));
  const missing = facts.stacks.filter((s) => !inDoc.includes(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    findings.push({
      file: teardownDoc,
      line: 0,
      rule: 'teardown-complete',
      message: `the teardown deletes no ${missing.join(', ')}, which the setup creates (the app's stacks and the docs' cdk bootstrap commands)`,
    });
  }
  const toPattern = namePattern(facts);
  const quoted = facts.parsed.quotes
    .filter((q) => q.doc === teardownDoc)
    .flatMap((q) => q.text.split(/[\s"'`,;()]+/))
    .filter((w) => w.length > 1)
    .map((w) => w.replace(/[.,:;]+$/, ''))
    .map((w) => ({
      whole: new RegExp(`^${toPattern(w)}$`),
      prefix: /[-/…*]$/.test(w) ? new RegExp(`^${toPattern(w)}`) : undefined,
    }));
  for (const stack of facts.stacks) {
    for (const name of stack.retained) {
      // A name quoted whole, or a prefix of it (`/aws/lambda/hello-staging-`, `/hello/staging/`).
      const covered = quoted.some(({ whole, prefix }) => whole.test(name) || prefix?.test(name) === true);
      if (!covered) {
        findings.push({
          file: teardownDoc,
          line: 0,
          rule: 'retained',
          message: `${name} stays after ${stack.name} is deleted (retained, or written by its functions), but the teardown does not name it; say how to remove it`,
        });
      }
    }
  }
  return findings;
}
