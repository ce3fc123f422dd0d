// Rules `step-name`, `step-order`, `aws-name` and `constant`: every workflow step or job the docs
// quote (`step *Name*`, `*name* job`) exists, steps listed together are in the order the job runs
// them; every AWS name built from the project's name exists in the synthesized templates, the
// assembly or @hello/config/naming; every ALL_CAPS name (a variable, a constant) exists in the code,
// the workflows or the templates.
import type { Finding } from './finding.ts';
import type { Facts } from './repo-facts.ts';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Names defined outside this repository that the docs quote, with where they come from. */
export const OUTSIDE_NAMES: ReadonlyMap<string, string> = new Map([
  ['UPDATE_ROLLBACK_FAILED', 'a CloudFormation stack status'],
  ['ERR_PNPM_UNSUPPORTED_ENGINE', "pnpm's error code for a Node outside engines"],
  ['DEFAULT_FILE_EXISTS_BEHAVIOR', "the CodeDeploy agent's appspec default (aws-codedeploy-agent)"],
]);

interface JobSteps {
  readonly workflow: string;
  readonly job: string;
  readonly name: string;
  readonly steps: readonly string[];
}

/** A name as a pattern: `${{ ... }}` in a workflow and `…` in the docs match anything. */
const pattern = (name: string): RegExp =>
  new RegExp(
    `^${name
      .split(/\$\{\{.*?\}\}|…/)
      .map(escape)
      .join('.+')}$`,
  );
const sameName = (quoted: string, actual: string): boolean =>
  pattern(actual).test(quoted) || pattern(quoted).test(actual);

function jobsOf(facts: Facts): JobSteps[] {
  return facts.workflows.flatMap(({ path, data }) => {
    const jobs = isMap(data) && isMap(data.jobs) ? data.jobs : {};
    return Object.entries(jobs)
      .filter((e): e is [string, Json] => isMap(e[1]))
      .map(([id, job]) => ({
        workflow: path,
        job: id,
        name: typeof job.name === 'string' ? job.name : id,
        steps: (Array.isArray(job.steps) ? job.steps : [])
          .filter(isMap)
          .map((s) => (typeof s.name === 'string' ? s.name : '')),
      }));
  });
}

/** `step *A*`, `steps *A* (an aside), *B* and *C*`, `*A* → *B*`. */
const STEP_LIST = /\bsteps?\s+((?:\*[^*]+\*(?:\s*\([^)]*\))?(?:,?\s+(?:and|or|then)\s+|,\s*|\s*(?:→|->)\s*)?)+)/g;
const JOB = /\*([^*]+)\*\s+job\b|\bjob\s+\*([^*]+)\*/g;

export function checkSteps(facts: Facts): Finding[] {
  const findings: Finding[] = [];
  const jobs = jobsOf(facts);
  for (const line of facts.parsed.prose) {
    for (const [, list] of line.text.matchAll(STEP_LIST)) {
      const quoted = [...list!.replace(/\([^)]*\)/g, '').matchAll(/\*([^*]+)\*/g)].map((m) => m[1]!);
      const places = quoted.map((q) =>
        jobs.flatMap((j) => j.steps.flatMap((s, i) => (sameName(q, s) ? [{ job: j, index: i }] : []))),
      );
      quoted.forEach((q, i) => {
        if (places[i]!.length === 0) {
          findings.push({
            file: line.doc,
            line: line.line,
            rule: 'step-name',
            message: `no workflow step is named "${q}" (.github/workflows, .github/actions)`,
          });
        }
      });
      // Steps quoted together from one job must be in the order it runs them.
      const common = jobs.find((j) => places.every((p) => p.some((x) => x.job === j)));
      if (quoted.length > 1 && common !== undefined) {
        const order = places.map((p) => p.find((x) => x.job === common)!.index);
        if (order.some((v, i) => i > 0 && v < order[i - 1]!)) {
          findings.push({
            file: line.doc,
            line: line.line,
            rule: 'step-order',
            message: `job ${common.job} of ${common.workflow} runs these steps in another order: ${[...quoted]
              .sort((a, b) => order[quoted.indexOf(a)]! - order[quoted.indexOf(b)]!)
              .map((q) => `*${q}*`)
              .join(', ')}`,
          });
        }
      }
    }
    for (const [, before, after] of line.text.matchAll(JOB)) {
      const quoted = (before ?? after)!;
      if (!jobs.some((j) => sameName(quoted, j.name) || quoted === j.job)) {
        findings.push({
          file: line.doc,
          line: line.line,
          rule: 'step-name',
          message: `no workflow job is named "${quoted}"`,
        });
      }
    }
  }
  return findings;
}

/**
 * A quoted name as a pattern for the settings the docs are written for: `<name>`, `<stage>`,
 * `<q>`, ACCOUNT and REGION stand for their values, `*`, `…` and other `<...>` for anything.
 */
export function namePattern(facts: Facts): (word: string) => string {
  const { project } = facts;
  const stages = Object.keys(project.stages);
  const qualifiers = Object.values(project.stages).map((s) => s.bootstrapQualifier);
  const values: [RegExp, string][] = [
    [/<name>/g, escape(project.name)],
    [/<stage>/g, `(?:${stages.join('|')})`],
    [/<(?:q|qualifier)>/g, `(?:${qualifiers.join('|')})`],
    [/ACCOUNT|<account>/g, project.aws.account],
    [/REGION|<region>/g, escape(project.aws.region)],
  ];
  return (word) => {
    let source = escape(word).replace(/\\\*|…/g, '\uE000');
    for (const [from, to] of values) source = source.replace(from, to);
    return source.replace(/<[^>]+>|\uE000/g, '[^"\\s]*?');
  };
}

/** Words of a quote that are AWS names built from the project's name (or a bootstrap qualifier's). */
export function awsNamesIn(text: string, facts: Facts): string[] {
  const { project } = facts;
  const qualifiers = Object.values(project.stages).map((s) => s.bootstrapQualifier);
  const starts = [
    `${project.name}-`,
    '<name>-',
    `/${project.name}/`,
    '/<name>/',
    '/aws/lambda/',
    '/cdk-bootstrap/',
    'cdk-<q>-',
    ...qualifiers.map((q) => `cdk-${q}-`),
  ];
  return text
    .split(/[\s"'`,;()]+/)
    .flatMap((word) => (word.startsWith('/') ? [word] : word.split(/[:/]/)))
    .map((w) => w.replace(/[.,:;]+$/, ''))
    .filter(
      (w) =>
        starts.some((s) => w.startsWith(s)) &&
        !w.startsWith(facts.rootName) &&
        !/\.(?:zip|pem|json|ya?ml|ts|js|mjs|md|service)$/.test(w),
    );
}

export function checkAwsNames(facts: Facts): Finding[] {
  const toPattern = namePattern(facts);
  // A path the project owns (an SSM parameter path) names everything below it: the parameters are the user's.
  const pathPrefixes = facts.names.split('\n').filter((n) => n.startsWith('/') && n.endsWith('/'));
  const findings: Finding[] = [];
  for (const quote of facts.parsed.quotes) {
    for (const name of awsNamesIn(quote.text, facts)) {
      if (pathPrefixes.some((prefix) => name.startsWith(prefix) && name.length > prefix.length)) continue;
      if (!new RegExp(`(?<![\\w-])${toPattern(name)}(?![\\w-])`).test(facts.names)) {
        findings.push({
          file: quote.doc,
          line: quote.line,
          rule: 'aws-name',
          message: `${name} is no name the stacks, the bootstrap or @hello/config/naming create for the settings the docs are written for (${facts.project.name}, ${facts.project.aws.account}, ${facts.project.aws.region})`,
        });
      }
    }
  }
  return findings;
}

const CONSTANT = /^\$?\{?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]+(?==))\}?(?:=\S*)?$/;

export function checkConstants(facts: Facts): Finding[] {
  const findings: Finding[] = [];
  for (const quote of facts.parsed.quotes) {
    const names =
      quote.kind === 'span'
        ? [CONSTANT.exec(quote.text)?.[1]]
        : [...quote.text.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]+)=/g)].map((m) => m[1]);
    for (const name of names) {
      if (name === undefined || OUTSIDE_NAMES.has(name)) continue;
      if (!new RegExp(`(?<![\\w])${name}(?![\\w])`).test(facts.code)) {
        findings.push({
          file: quote.doc,
          line: quote.line,
          rule: 'constant',
          message: `${name} appears nowhere in the code, the workflows or the templates; quote the name they use (or list a name defined elsewhere in OUTSIDE_NAMES with its source)`,
        });
      }
    }
  }
  return findings;
}
