import t from 'tap';
import { runWorkflowParser } from '../src/run-workflow-parser.ts';
import { goodFiles, lineOf, withEdit } from './helpers/fixture-files.ts';

void t.test("GitHub's parser accepts the clean fixture workflows and action", async (t) => {
  const files = await goodFiles();
  t.equal(files.length, 3);
  for (const file of files) t.same(await runWorkflowParser(file), [], file.path);
});

void t.test('a key GitHub does not know is reported with its line', async (t) => {
  const files = await withEdit('pipeline.yml', '    timeout-minutes: 10', '    timeout-minutez: 10');
  const file = files.find((f) => f.path.endsWith('pipeline.yml'));
  const findings = file ? await runWorkflowParser(file) : [];
  t.ok(findings.length > 0);
  t.ok(findings.every((f) => f.rule === 'workflow-parser'));
  t.ok(
    findings.some(
      (f) => /timeout-minutez/.test(f.message) && f.line === lineOf(files, 'pipeline.yml', 'timeout-minutez'),
    ),
  );
});

void t.test('a job needing an unknown job fails the conversion to jobs', async (t) => {
  const files = await withEdit('pipeline.yml', '    needs: build', '    needs: biuld');
  const file = files.find((f) => f.path.endsWith('pipeline.yml'));
  const findings = file ? await runWorkflowParser(file) : [];
  t.ok(
    findings.some((f) => /biuld/.test(f.message)),
    JSON.stringify(findings),
  );
});

void t.test('a composite action is checked against the action schema', async (t) => {
  const files = await withEdit('action.yml', 'using: composite', 'using: composit');
  const file = files.find((f) => f.kind === 'action');
  const findings = file ? await runWorkflowParser(file) : [];
  t.ok(findings.length > 0, JSON.stringify(findings));
  t.ok(findings.every((f) => f.file === '.github/actions/setup/action.yml'));
});

void t.test('an empty file is reported for the whole file (line 0)', async (t) => {
  const findings = await runWorkflowParser({ path: '.github/workflows/empty.yml', text: '', kind: 'workflow' });
  t.same(
    findings.map((f) => f.line),
    [0],
  );
  t.match(findings[0]?.message, /Expected a scalar value, a sequence, or a mapping/);
});
