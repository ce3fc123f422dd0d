// What the docs are checked against, read from the repository as it is: package scripts, the
// options each CLI's --help prints, the workflows, the stacks synthesized for the settings the
// docs are written for, the names @hello/config/naming derives, and the text of the code.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { STAGE_NAMES, type ProjectSettings } from '@hello/config/define-project';
import * as naming from '@hello/config/naming';
import { infraHelp } from '@hello/infra/parse-infra-args';
import { synthAssembly } from '@hello/infra/synth-assembly';
import { parseDocs, type Doc, type Parsed } from './markdown.ts';
import { appStacks, assetBucketsOf, bootstrapStacks, type StackFacts } from './stack-graph.ts';

/** A CLI's commands and each one's options; a CLI without commands has the one command ''. */
export type CliOptions = ReadonlyMap<string, ReadonlySet<string>>;

export interface Facts {
  readonly docs: readonly Doc[];
  readonly parsed: Parsed;
  /** The root package.json's name (the repository's, not an AWS name) and scripts. */
  readonly rootName: string;
  readonly rootScripts: Readonly<Record<string, string>>;
  readonly packages: readonly { readonly name: string; readonly scripts: Readonly<Record<string, string>> }[];
  /** By root script: `release` and each `infra:*`. */
  readonly clis: ReadonlyMap<string, CliOptions>;
  readonly workflows: readonly { readonly path: string; readonly data: unknown }[];
  readonly stacks: readonly StackFacts[];
  /** Every AWS name the templates, the assembly and @hello/config/naming produce, as one text. */
  readonly names: string;
  /** The code, workflows and templates as one text: where a quoted constant or variable must appear. */
  readonly code: string;
  readonly project: ProjectSettings;
}

const SKIP = new Set([
  'node_modules',
  'dist',
  '.git',
  '.turbo',
  '.tap',
  'cdk.out',
  'coverage',
  'artifacts',
  '.certs',
  'docs-check',
]);
const CODE = /\.(?:[cm]?[jt]s|json|ya?ml|sh|py|service|conf|cfg|txt)$/;

function walk(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir))
    .filter((n) => !SKIP.has(n) && n !== 'pnpm-lock.yaml')
    .flatMap((n) => {
      const path = posix.join(dir, n);
      return statSync(join(root, path)).isDirectory() ? walk(root, path) : [path];
    });
}

const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
/** A package.json's scripts (none when it has no `scripts`). */
export const scriptsOf = (json: Record<string, unknown>) => (json.scripts ?? {}) as Record<string, string>;

/** Options (`--x`) in the lines of a help text, after a line that starts a list of them. */
const optionsIn = (text: string): Set<string> =>
  new Set([...text.matchAll(/(?<![\w-])--[a-z][\w-]*/g)].map((m) => m[0]));

/** The release CLI's commands and options, as its --help prints them (the bundle every user runs). */
export async function releaseOptions(root: string): Promise<CliOptions> {
  const run = async (...args: string[]) =>
    (
      await promisify(execFile)(process.execPath, [join(root, 'packages/release/bin/release.mjs'), ...args], {
        encoding: 'utf8',
      })
    ).stdout;
  const top = await run('--help');
  const list = top.slice(top.indexOf('Commands:'), top.indexOf('\n\n', top.indexOf('Commands:')));
  const commands = [...list.matchAll(/^ {2}([a-z][\w-]*)\s/gm)].map((m) => m[1]!);
  const helps = await Promise.all(commands.map((c) => run(c, '--help')));
  return new Map(
    commands.map((c, i) => [
      c,
      new Set([...optionsIn(helps[i]!.slice(helps[i]!.indexOf('Options:'))), '--help', '--verbose']),
    ]),
  );
}

/** The options of each `pnpm infra:*` command, from the usage lines of their shared help. */
export function infraOptions(): Map<string, CliOptions> {
  const usage = infraHelp({ app: [], bootstrap: [], account: '' }).split('\n\n')[0]!;
  return new Map(
    [...usage.matchAll(/pnpm (infra:[\w-]+) (.*)$/gm)].map(([, script, line]) => [
      script!,
      new Map([['', new Set([...optionsIn(line!), '--help'])]]),
    ]),
  );
}

/** Every string a function of @hello/config/naming returns for the project (and each stage). */
function namingOutputs(project: ProjectSettings): string[] {
  const out: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
  };
  for (const fn of Object.values(naming)) {
    if (typeof fn !== 'function') continue;
    for (const args of [[project], ...STAGE_NAMES.map((s) => [project, s]), ...STAGE_NAMES.map((s) => [s])]) {
      try {
        collect((fn as (...a: unknown[]) => unknown)(...args));
      } catch {
        // A function that takes other arguments (a release version) names nothing here.
      }
    }
  }
  return out;
}

export async function readFacts(root: string, project: ProjectSettings): Promise<Facts> {
  const docs = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((n) => n.endsWith('.md'))
      .sort()
      .map((n) => `docs/${n}`),
  ].map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
  const parsed = parseDocs(docs);
  const files = walk(root);
  const packages = files
    .filter((f) => /^(?:apps|packages|tools)\/[^/]+\/package\.json$/.test(f))
    .map((f) => readJson(join(root, f)))
    .map((json) => ({ name: String(json.name), scripts: scriptsOf(json) }));
  const workflows = files
    .filter((f) => /^\.github\/(?:workflows\/[^/]+|actions\/[^/]+\/action)\.ya?ml$/.test(f))
    .map((path) => ({ path, data: parse(readFileSync(join(root, path), 'utf8')) as unknown }));
  const outdir = mkdtempSync(join(tmpdir(), 'docs-check-'));
  let app: StackFacts[];
  let assembly: string;
  try {
    synthAssembly(project, outdir);
    app = appStacks(outdir);
    assembly = readdirSync(outdir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => readFileSync(join(outdir, f), 'utf8'))
      .join('\n');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const stacks = [...app, ...bootstrapStacks(parsed.quotes, assetBucketsOf(app))];
  const lambdaLogs = stacks.flatMap((s) => s.retained.filter((r) => r.startsWith('/aws/lambda/')));
  const code = files
    .filter((f) => CODE.test(f))
    .map((f) => readFileSync(join(root, f), 'utf8'))
    .join('\n');
  return {
    docs,
    parsed,
    rootName: String(readJson(join(root, 'package.json')).name),
    rootScripts: scriptsOf(readJson(join(root, 'package.json'))),
    packages,
    clis: new Map([['release', await releaseOptions(root)], ...infraOptions()]),
    workflows,
    stacks,
    names: [assembly, ...stacks.map((s) => s.name), ...namingOutputs(project), ...lambdaLogs].join('\n'),
    code: `${code}\n${assembly}`,
    project,
  };
}
