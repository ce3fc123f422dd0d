import { readFileSync } from 'node:fs';
import t from 'tap';
import { lintRepository, main, REPO_ROOT } from '../src/lint-repository.ts';
import { GOOD_ROOT } from './helpers/fixture-files.ts';

const BAD_WORKFLOW = readFileSync(new URL('fixtures/good/.github/workflows/pipeline.yml', import.meta.url), 'utf8')
  .replace(/actions\/checkout@[0-9a-f]{40} # v7\.0\.1/, 'actions/checkout@v7')
  .replace('    needs: build', '    needs: biuld');

void t.test('REPO_ROOT is the repository root', (t) => {
  t.match(readFileSync(`${REPO_ROOT}pnpm-workspace.yaml`, 'utf8'), /packages/);
  t.end();
});

void t.test("this repository's own workflows pass (main's default root)", async (t) => {
  const lines: string[] = [];
  t.equal(await main([], (l) => lines.push(l)), 0, lines.join('\n'));
  t.same(lines, ['workflow lint: clean']);
});

void t.test('the clean fixture has no findings from any checker', async (t) => {
  t.same(await lintRepository(GOOD_ROOT), []);
});

void t.test('findings of all three checkers are collected', async (t) => {
  const root = t.testdir({ '.github': { workflows: { 'pipeline.yml': BAD_WORKFLOW } } });
  const rules = new Set((await lintRepository(root)).map((f) => f.rule));
  t.ok(rules.has('actionlint'));
  t.ok(rules.has('workflow-parser'));
  t.ok(rules.has('pinned-uses'));
});

void t.test('a root without workflows is a finding, not a silent pass', async (t) => {
  const [only, ...rest] = await lintRepository(t.testdir({}));
  t.equal(only?.rule, 'files');
  t.match(only?.message, /no workflow files under .*expected \.github\/workflows\/\*\.yml/);
  t.same(rest, []);
});

void t.test('main prints each finding and returns 1, or says clean and returns 0', async (t) => {
  const lines: string[] = [];
  t.equal(await main([GOOD_ROOT], (l) => lines.push(l)), 0);
  t.same(lines, ['workflow lint: clean']);
  lines.length = 0;
  const root = t.testdir({ '.github': { workflows: { 'pipeline.yml': BAD_WORKFLOW } } });
  t.equal(await main([root], (l) => lines.push(l)), 1);
  t.match(lines.at(-1), /^workflow lint: \d+ problem\(s\)$/);
  t.ok(lines.some((l) => l.startsWith('.github/workflows/pipeline.yml:') && l.includes('[pinned-uses]')));
});
