// Finding and parsing the workflow files, and where a parsed source says a value came from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseWorkflowFiles, readWorkflowFiles } from '../src/workflow-file.ts';
import { parseYamlSource } from '../src/yaml-source.ts';
import { GOOD_ROOT } from './helpers/fixture-files.ts';

void t.test('finds workflows and composite actions, sorted, with their kind', async (t) => {
  const files = await readWorkflowFiles(GOOD_ROOT);
  t.same(
    files.map((f) => [f.path, f.kind]),
    [
      ['.github/workflows/called.yml', 'workflow'],
      ['.github/workflows/pipeline.yml', 'workflow'],
      ['.github/actions/setup/action.yml', 'action'],
    ],
  );
  t.match(files[0]?.text, /workflow_call/);
});

void t.test('ignores other files and action folders without action.yml; a missing .github is empty', async (t) => {
  const root = t.testdir({
    '.github': {
      workflows: { 'notes.md': '# not a workflow', 'a.yaml': 'on: push' },
      actions: { empty: { 'README.md': 'no action here' }, other: { 'action.yaml': 'name: x' } },
    },
  });
  t.same(
    (await readWorkflowFiles(root)).map((f) => f.path),
    ['.github/workflows/a.yaml', '.github/actions/other/action.yaml'],
  );
  t.same(await readWorkflowFiles(t.testdir({})), []);
});

void t.test('an unreadable workflows folder is an error, not an empty lint', async (t) => {
  const root = t.testdir({});
  mkdirSync(join(root, '.github'));
  writeFileSync(join(root, '.github/workflows'), 'a file where a folder belongs');
  await t.rejects(readWorkflowFiles(root), { code: 'ENOTDIR' });
});

void t.test('invalid YAML and duplicate keys are findings that name the file; the rest parse', (t) => {
  const { sources, findings } = parseWorkflowFiles([
    { path: 'a.yml', text: 'a: [1', kind: 'workflow' },
    { path: 'b.yml', text: 'a: 1\na: 2\n', kind: 'workflow' },
    { path: 'c.yml', text: 'a: 1\n', kind: 'action' },
  ]);
  t.match(findings, [
    { file: 'a.yml', line: 0, rule: 'yaml', message: /^a\.yml: not valid YAML: / },
    { file: 'b.yml', line: 0, rule: 'yaml', message: /unique/i },
  ]);
  t.same(
    sources.map((s) => [s.path, s.kind, s.source.data]),
    [['c.yml', 'action', { a: 1 }]],
  );
  t.end();
});

void t.test('a source names the line of a key or list item, its comment, and survives changes', (t) => {
  const src = parseYamlSource(
    '# comment\njobs:\n  a:\n    steps:\n      - run: one\n      - uses: x/y@v1 # v1\n',
    'f.yml',
  );
  t.equal(src.lineOf([]), 2, 'the document starts after the comment');
  t.equal(src.lineOf(['jobs', 'a', 'steps', 1, 'uses']), 6);
  t.equal(src.lineOf(['jobs', 'a', 'missing', 'deeper']), 3, 'falls back to the nearest existing ancestor');
  t.equal(src.lineOf(['jobs', 'a', 'steps', 'x']), 4, 'a name is no index into a list');
  t.equal(src.commentOf(['jobs', 'a', 'steps', 1, 'uses']), ' v1');
  t.equal(src.commentOf(['jobs', 'a', 'steps']), undefined, 'only scalars carry a version comment');
  const added = src.edited((d) => d.setIn(['jobs', 'a', 'steps', 2], { run: 'two' }));
  t.equal(added.lineOf(['jobs', 'a', 'steps', 2, 'run']), 4, 'an added node has the line of its parent');
  t.same(src.data, { jobs: { a: { steps: [{ run: 'one' }, { uses: 'x/y@v1' }] } } }, 'the original is unchanged');
  t.equal(parseYamlSource('', 'f.yml').lineOf(['jobs']), 1, 'an empty document is line 1');
  t.end();
});
