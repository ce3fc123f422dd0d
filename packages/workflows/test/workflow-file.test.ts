import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { readWorkflowFiles } from '../src/workflow-file.ts';
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
