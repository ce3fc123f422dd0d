// The whole lint (actionlint, GitHub's parser, the project rules, the tool-install rule) on the
// fixture and on this repository, and what each outside checker reports, found through changes
// of the parsed fixture.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { allowJsonImports } from '../src/allow-json-imports.ts';
import { formatFinding } from '../src/finding.ts';
import { lintRepository, main, REPO_ROOT } from '../src/lint-repository.ts';
import { runActionlint } from '../src/run-actionlint.ts';
import { runWorkflowParser } from '../src/run-workflow-parser.ts';
import type { SourceFile, WorkflowFile } from '../src/workflow-file.ts';
import { editFile, replace, replaceIn } from './helpers/edit.ts';
import { GOOD_ROOT, goodSources } from './helpers/fixture-files.ts';

/** A parsed file back as text, as the outside checkers read it. */
const text = (file: SourceFile): WorkflowFile => ({ path: file.path, kind: file.kind, text: String(file.source.doc) });
const fixture = await goodSources();
const pipeline = (change: Parameters<typeof editFile>[2]) =>
  text(editFile(fixture, 'pipeline.yml', change).find((f) => f.path.endsWith('pipeline.yml'))!);
const lineIn = (file: WorkflowFile, needle: string): number =>
  file.text.slice(0, file.text.indexOf(needle)).split('\n').length;

void t.test("this repository's workflows pass every checker (main's default root)", async (t) => {
  t.match(readFileSync(`${REPO_ROOT}pnpm-workspace.yaml`, 'utf8'), /packages/, 'REPO_ROOT is the repository root');
  const lines: string[] = [];
  t.equal(await main([], (l) => lines.push(l)), 0, lines.join('\n'));
  t.same(lines, ['workflow lint: clean']);
});

void t.test('the clean fixture has no findings from any checker', async (t) => {
  t.same(await lintRepository(GOOD_ROOT), []);
});

void t.test('main prints file:line: [rule] message per finding and returns 1', async (t) => {
  const root = t.testdir({});
  const bad = pipeline((d) => replace(d, ['jobs', 'build', 'steps', 0, 'uses'], 'actions/checkout@v7'));
  mkdirSync(join(root, '.github/workflows'), { recursive: true });
  writeFileSync(join(root, bad.path), bad.text);
  const lines: string[] = [];
  t.equal(await main([root], (l) => lines.push(l)), 1);
  t.match(lines.at(-1), /^workflow lint: \d+ problem\(s\)$/);
  const line = lineIn(bad, 'actions/checkout@v7');
  t.ok(
    lines.includes(
      formatFinding({
        file: bad.path,
        line,
        rule: 'pinned-uses',
        message:
          '"actions/checkout@v7" is not pinned; expected owner/repo@<40-hex commit sha> # vX.Y.Z (a tag or branch can be moved)',
      }),
    ),
    lines.join('\n'),
  );
  t.equal(formatFinding({ file: 'f.yml', line: 7, rule: 'timeout', message: 'm' }), 'f.yml:7: [timeout] m');
});

void t.test('a root without workflows is a finding, not a silent pass', async (t) => {
  const [only, ...rest] = await lintRepository(t.testdir({}));
  t.equal(only?.rule, 'files');
  t.match(only?.message, /no workflow files under .*expected \.github\/workflows\/\*\.yml/);
  t.same(rest, []);
});

void t.test('a file that is not YAML is a finding, and the other files are still checked', async (t) => {
  const root = t.testdir({
    '.github': { workflows: { 'broken.yml': 'name: [Deploy\n', 'ok.yml': String(fixture[0]!.source.doc) } },
  });
  const findings = await lintRepository(root);
  t.ok(
    findings.some(
      (f) => f.rule === 'yaml' && f.file === '.github/workflows/broken.yml' && /not valid YAML/.test(f.message),
    ),
  );
});

void t.test('actionlint: an untrusted expression in a script and an unknown job in needs', async (t) => {
  const edited = pipeline((d) => {
    replace(d, ['jobs', 'staging', 'needs'], 'biuld');
    replaceIn(d, ['jobs', 'build', 'steps', 2, 'run'], '$VERSION', '${{ github.event.head_commit.message }}');
  });
  const findings = await runActionlint(edited);
  t.ok(findings.every((f) => f.rule === 'actionlint' && f.file === '.github/workflows/pipeline.yml'));
  t.ok(
    findings.some((f) => /potentially untrusted/.test(f.message) && /\[expression\]$/.test(f.message)),
    'script injection',
  );
  // actionlint points at the job (or its needs: line).
  const job = lineIn(edited, '  staging:');
  t.ok(
    findings.some((f) => /biuld/.test(f.message) && f.line >= job && f.line <= lineIn(edited, 'needs: biuld')),
    'unknown job',
  );
  t.same(
    await runActionlint({ path: '.github/actions/a/action.yml', kind: 'action', text: 'not: [valid' }),
    [],
    'actions are not its input',
  );
});

void t.test(
  "GitHub's parser: unknown keys with their line, unknown needs, the action schema, an empty file",
  async (t) => {
    const typo = pipeline((d) => {
      d.setIn(['jobs', 'build', 'timeout-minutez'], 10);
    });
    const keys = await runWorkflowParser(typo);
    t.ok(keys.length > 0 && keys.every((f) => f.rule === 'workflow-parser'));
    t.ok(keys.some((f) => /timeout-minutez/.test(f.message) && f.line === lineIn(typo, 'timeout-minutez')));
    const needs = await runWorkflowParser(pipeline((d) => replace(d, ['jobs', 'staging', 'needs'], 'biuld')));
    t.ok(
      needs.some((f) => /biuld/.test(f.message)),
      JSON.stringify(needs),
    );
    const action = text(
      editFile(fixture, 'action.yml', (d) => replace(d, ['runs', 'using'], 'composit')).find(
        (f) => f.kind === 'action',
      )!,
    );
    const schema = await runWorkflowParser(action);
    t.ok(
      schema.length > 0 && schema.every((f) => f.file === '.github/actions/setup/action.yml'),
      JSON.stringify(schema),
    );
    const empty = await runWorkflowParser({ path: '.github/workflows/empty.yml', text: '', kind: 'workflow' });
    t.same(
      empty.map((f) => f.line),
      [0],
    );
    t.match(empty[0]?.message, /Expected a scalar value, a sequence, or a mapping/);
  },
);

void t.test('JSON modules import without an attribute once allowJsonImports ran (it runs once)', async (t) => {
  allowJsonImports();
  const dir = t.testdir({ 'plain.json': '{"schema":"plain"}' });
  const mod = (await import(`file://${join(dir, 'plain.json')}`)) as { default: unknown };
  t.same(mod.default, { schema: 'plain' });
});
