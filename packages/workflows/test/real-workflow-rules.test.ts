// Every project rule guards the real workflows: each one-line mutation below of a real file makes
// exactly that rule fire (the fixture tests show the rules in isolation; these show they bite here).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import t from 'tap';
import { lintRepository, REPO_ROOT } from '../src/lint-repository.ts';
import { checkProjectRules } from '../src/project-rules.ts';
import { readWorkflowFiles } from '../src/workflow-file.ts';
import { mutateLine } from './helpers/real-workflows.ts';

const files = await readWorkflowFiles(REPO_ROOT);
const DEPLOY = '.github/workflows/deploy.yml';
const STAGE = '.github/workflows/deploy-stage.yml';
const CI = '.github/workflows/ci.yml';
const ACTION = '.github/actions/setup/action.yml';
const MACHINE_IMAGES = '.github/workflows/machine-images.yml';

const cases: { rule: string; path: string; from: string; to: string; nth?: number }[] = [
  { rule: 'no-pull-request-target', path: CI, from: '  pull_request:', to: '  pull_request_target:' },
  { rule: 'top-permissions', path: DEPLOY, from: 'permissions: {}', to: 'permissions: write-all' },
  { rule: 'job-permissions', path: DEPLOY, from: '    permissions:', to: '    perms:' },
  { rule: 'oidc', path: STAGE, from: '      id-token: write', to: '      contents: read' },
  { rule: 'oidc', path: DEPLOY, from: '      id-token: write', to: '      contents: read', nth: 1 },
  { rule: 'deploy-environment', path: STAGE, from: '    environment:', to: '    environment-of-the-past:' },
  {
    rule: 'deploy-concurrency',
    path: STAGE,
    from: '      cancel-in-progress: false',
    to: '      cancel-in-progress: true',
  },
  { rule: 'timeout', path: DEPLOY, from: '    timeout-minutes: 5', to: '    # timeout-minutes: 5' },
  {
    rule: 'session-length',
    path: STAGE,
    from: '          role-duration-seconds: 3600',
    to: '          role-duration-seconds: 1800',
  },
  {
    rule: 'code-after-credentials',
    path: STAGE,
    from: '        run: node cli/release.mjs smoke',
    to: '        run: npm ci && node cli/release.mjs smoke',
  },
  { rule: 'deploy-ancestors', path: STAGE, from: ' --ancestors ancestors/ancestors.txt', to: '' },
  { rule: 'run-expression', path: STAGE, from: 'names --stage "$STAGE"', to: 'names --stage ${{ inputs.stage }}' },
  {
    rule: 'pinned-uses',
    path: STAGE,
    from: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
    to: 'actions/setup-node@v7',
  },
  {
    rule: 'pinned-uses',
    path: ACTION,
    from: 'pnpm/action-setup@fe02b34f77f8bc703788d5817da081398fad5dd2 # v4.0.0',
    to: 'pnpm/action-setup@fe02b34f77f8bc703788d5817da081398fad5dd2',
  },
  {
    rule: 'checkout-credentials',
    path: DEPLOY,
    from: '          persist-credentials: false',
    to: '          persist-credentials: true',
  },
];

void t.test('the real workflows and the setup action pass every project rule', (t) => {
  t.same(files.map((f) => f.path).sort(), [ACTION, CI, STAGE, DEPLOY, MACHINE_IMAGES].sort());
  t.same(checkProjectRules(files), []);
  t.end();
});

for (const c of cases) {
  void t.test(`${c.rule}: ${c.path}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`, (t) => {
    const mutated = files.map((f) => (f.path === c.path ? { ...f, text: mutateLine(f.text, c.from, c.to, c.nth) } : f));
    const findings = checkProjectRules(mutated);
    t.same(
      findings.map((f) => f.rule),
      [c.rule],
      findings.map((f) => f.message).join('\n'),
    );
    t.equal(findings[0]?.file, c.path);
    t.end();
  });
}

void t.test('yaml: a broken line of a real workflow is a finding, not a crash', (t) => {
  const mutated = files.map((f) =>
    f.path === DEPLOY ? { ...f, text: mutateLine(f.text, 'name: Deploy', 'name: [Deploy') } : f,
  );
  t.same(
    checkProjectRules(mutated).map((f) => [f.rule, f.file]),
    [['yaml', DEPLOY]],
  );
  t.end();
});

void t.test("actionlint and GitHub's parser: a staging job needing a job that does not exist", async (t) => {
  const root = t.testdir({});
  for (const f of files) {
    const text = f.path === DEPLOY ? mutateLine(f.text, '    needs: build', '    needs: biuld') : f.text;
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), text);
  }
  const findings = await lintRepository(root);
  t.ok(
    findings.some((f) => f.rule === 'actionlint' && f.file === DEPLOY && /biuld/.test(f.message)),
    'actionlint',
  );
  t.ok(
    findings.some((f) => f.rule === 'workflow-parser' && f.file === DEPLOY && /biuld/.test(f.message)),
    'workflow-parser',
  );
  t.same(
    findings.filter((f) => f.file !== DEPLOY),
    [],
    'the other files stay clean',
  );
});

void t.test('a mutation that is not one line, or whose text is missing, is refused', (t) => {
  t.throws(() => mutateLine('a\nb\n', 'a\nb', 'c'), /is not a one-line edit/);
  t.throws(() => mutateLine('a\nb\n', 'a', 'c\nd'), /is not a one-line edit/);
  t.throws(() => mutateLine('a\nb\n', 'a\n', 'c'), /is not a one-line edit/);
  t.throws(() => mutateLine('a\nb\n', 'z', 'c'), /occurrence 0 of "z" is not in the workflow/);
  t.throws(() => mutateLine('a\nb\n', 'a', 'c', 1), /occurrence 1 of "a"/);
  t.equal(mutateLine('a\nb\na\n', 'a', 'c', 1), 'a\nb\nc\n');
  t.equal(mutateLine('a\nb\n', 'a\n', ''), 'b\n');
  t.end();
});
