// Rules `pnpm-script`, `cli-option`, `stack-name` and `cdk-wrapper`: every `pnpm <script>` the
// docs quote exists (at the root, or in the package --filter names); every command and option they
// pass to the release CLI or an `infra:*` command is one its --help lists, and every stack they
// name is one it takes; CDK deploys and destroys go through the wrappers that check the account.
import { PNPM_COMMANDS } from '@hello/workflows/pnpm-commands';
import type { Finding } from './finding.ts';
import { commandsOf, isPlaceholder, type Quote } from './markdown.ts';
import type { CliOptions, Facts } from './repo-facts.ts';

/** pnpm options that take a folder. */
const DIR_FLAGS = new Set(['-C', '--dir']);
/** How the docs start the release CLI without pnpm: the bundle the pipeline runs, or its launcher. */
const RELEASE_PROGRAM = /^(?:[\w.-]+\/)*release(?:\.mjs)?$/;

/** The option word without brackets, `=value` or trailing punctuation: `[--check]` -> `--check`. */
const optionOf = (word: string): string | undefined => /^\[?(--[a-z][\w-]*)/.exec(word)?.[1];

function checkCli(
  cli: string,
  options: CliOptions,
  args: readonly string[],
  quote: Quote,
  facts: Facts,
  report: Report,
): void {
  let rest = args;
  let command = '';
  if (!options.has('')) {
    const [first, ...others] = args;
    if (first === undefined || isPlaceholder(first) || first === '--help' || first === '-h') return;
    if (!options.has(first)) {
      report(
        quote,
        'cli-option',
        `\`${cli} ${first}\` is no command of ${cli}; its commands are: ${[...options.keys()].join(', ')}`,
      );
      return;
    }
    command = first;
    rest = others;
  }
  const allowed = options.get(command)!;
  const split = rest.findIndex((w) => w === '--' || w === '[--');
  const own = split < 0 ? rest : rest.slice(0, split);
  for (const word of own) {
    const option = optionOf(word);
    if (option !== undefined && !allowed.has(option)) {
      report(
        quote,
        'cli-option',
        `\`${[cli, command].filter(Boolean).join(' ')}\` has no option ${option}; its options are: ${[...allowed].join(', ')}`,
      );
    }
  }
  if (!cli.startsWith('infra:')) return;
  const stacks = facts.stacks.filter((s) => cli === 'infra:destroy' || s.kind === 'app').map((s) => s.name);
  for (const word of own.filter((w) => !w.startsWith('-') && !/[<>[\]…|]/.test(w) && !isPlaceholder(w))) {
    if (!stacks.includes(word)) {
      report(
        quote,
        'stack-name',
        `pnpm ${cli} takes no stack ${word} (with the settings the docs are written for); it takes: ${stacks.join(', ')}`,
      );
    }
  }
}

function checkPnpm(words: readonly string[], quote: Quote, facts: Facts, report: Report): void {
  let i = 1;
  let filter: string | undefined;
  while (words[i]?.startsWith('-') === true && !PNPM_COMMANDS.has(words[i]!)) {
    const flag = words[i]!;
    if (flag === '--filter' || flag === '-F') filter = words[++i];
    else if (flag.startsWith('--filter=')) filter = flag.slice('--filter='.length);
    else if (DIR_FLAGS.has(flag)) i++;
    i++;
  }
  let script = words[i];
  if (script === undefined || isPlaceholder(script) || (PNPM_COMMANDS.has(script) && script !== 'run')) return;
  if (script === 'run') script = words.slice(i + 1).find((w) => !w.startsWith('-'));
  if (script === undefined) return;
  const args = words.slice(words.indexOf(script, i) + 1);
  if (filter !== undefined) {
    const name = filter.replace(/\^?\.\.\.$/, '');
    const pkg = facts.packages.find((p) => p.name === name);
    if (pkg === undefined)
      report(quote, 'pnpm-script', `pnpm --filter ${filter}: no workspace package is named ${name}`);
    else if (pkg.scripts[script] === undefined)
      report(
        quote,
        'pnpm-script',
        `pnpm --filter ${filter} ${script}: ${name} has no script ${script}; its scripts are: ${Object.keys(pkg.scripts).join(', ')}`,
      );
    return;
  }
  if (facts.rootScripts[script] === undefined) {
    report(
      quote,
      'pnpm-script',
      `pnpm ${script}: the root package.json has no script ${script}; its scripts are: ${Object.keys(facts.rootScripts).join(', ')}`,
    );
    return;
  }
  const cli = facts.clis.get(script);
  if (cli !== undefined) checkCli(script, cli, args, quote, facts, report);
}

type Report = (quote: Quote, rule: string, message: string) => void;

export function checkCommands(facts: Facts): Finding[] {
  const findings: Finding[] = [];
  const report: Report = (quote, rule, message) => findings.push({ file: quote.doc, line: quote.line, rule, message });
  const release = facts.clis.get('release')!;
  for (const quote of facts.parsed.quotes) {
    for (const words of commandsOf(quote.text)) {
      const [program] = words;
      if (program === 'pnpm') checkPnpm(words, quote, facts, report);
      else if (program === 'node' && RELEASE_PROGRAM.test(words[1] ?? ''))
        checkCli('release', release, words.slice(2), quote, facts, report);
      else if (program !== undefined && RELEASE_PROGRAM.test(program) && !program.startsWith('@')) {
        // A bare `release` is a command only when a command or an option follows (prose says "release version").
        const next = words[1] ?? '';
        if (program !== 'release' || release.has(next) || next.startsWith('--'))
          checkCli('release', release, words.slice(1), quote, facts, report);
      } else if (quote.kind === 'span' && release.has(quote.section) && program === quote.section) {
        // The reference's usage lines: `deploy --stage <stage> ...` under `### deploy`.
        checkCli('release', release, words, quote, facts, report);
      }
      const cdk = words.indexOf('cdk');
      if (
        quote.kind === 'block' &&
        cdk > 0 &&
        ['deploy', 'destroy'].includes(words[cdk + 1] ?? '') &&
        ['exec', 'npx'].includes(words[cdk - 1]!)
      ) {
        report(
          quote,
          'cdk-wrapper',
          `\`${words.join(' ')}\` skips the account check; use pnpm infra:${words[cdk + 1]!} (it checks with STS that the credentials belong to aws.account first)`,
        );
      }
    }
  }
  return findings;
}

/** Rule `cli-reference`: the reference documents every release command and each of its options. */
export function checkCliReference(facts: Facts, reference: string): Finding[] {
  const doc = facts.docs.find((d) => d.path === reference);
  const release = facts.clis.get('release')!;
  if (doc === undefined)
    return [{ file: reference, line: 0, rule: 'cli-reference', message: `${reference} is missing` }];
  const findings: Finding[] = [];
  const lines = doc.text.split('\n');
  for (const [command, options] of release) {
    const start = lines.findIndex((l) => l === `### ${command}`);
    if (start < 0) {
      findings.push({
        file: reference,
        line: 0,
        rule: 'cli-reference',
        message: `no section "### ${command}" for the release command ${command}`,
      });
      continue;
    }
    const end = lines.findIndex((l, i) => i > start && /^#{1,3} /.test(l));
    const section = lines.slice(start, end < 0 ? undefined : end).join('\n');
    const missing = [...options].filter(
      (o) => o !== '--help' && o !== '--verbose' && !new RegExp(`(?<![\\w-])${o}(?![\\w-])`).test(section),
    );
    if (missing.length > 0) {
      findings.push({
        file: reference,
        line: start + 1,
        rule: 'cli-reference',
        message: `the section of ${command} does not mention ${missing.join(', ')} (pnpm release ${command} --help lists it)`,
      });
    }
  }
  return findings;
}
