import t from 'tap';
import { runActionlint } from '../src/run-actionlint.ts';
import { goodFiles, lineOf, withEdit } from './helpers/fixture-files.ts';

void t.test('actionlint accepts the clean fixture workflows', async (t) => {
  const workflows = (await goodFiles()).filter((f) => f.kind === 'workflow');
  t.equal(workflows.length, 2);
  for (const file of workflows) t.same(await runActionlint(file), [], file.path);
});

void t.test('actionlint reports an untrusted expression and an unknown job in needs', async (t) => {
  const edited = await withEdit('pipeline.yml', '    needs: build', '    needs: biuld');
  const pipeline = edited.find((f) => f.path.endsWith('pipeline.yml'));
  const findings =
    pipeline === undefined
      ? []
      : await runActionlint({
          ...pipeline,
          text: pipeline.text
            .replace(
              'VERSION: ${{ github.sha }}',
              'VERSION: ${{ github.sha }}\n        TITLE: ${{ github.event.head_commit.message }}',
            )
            .replace('run: echo "packaging $VERSION"', 'run: echo "${{ github.event.head_commit.message }}"'),
        });
  t.ok(findings.every((f) => f.rule === 'actionlint' && f.file === '.github/workflows/pipeline.yml'));
  t.ok(
    findings.some((f) => /potentially untrusted/.test(f.message) && /\[expression\]$/.test(f.message)),
    'script injection',
  );
  t.ok(
    findings.some((f) => /biuld/.test(f.message) && f.line === lineOf(edited, 'pipeline.yml', 'needs: biuld')),
    'unknown job',
  );
});

void t.test('composite actions are not actionlint input', async (t) => {
  const action = (await goodFiles()).find((f) => f.kind === 'action');
  t.ok(action);
  if (action) t.same(await runActionlint({ ...action, text: 'not: [valid' }), []);
});
