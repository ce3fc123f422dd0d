// The prod gate's real script (deploy.yml, job prod-gate), run with bash the way GitHub runs it,
// against a stand-in `gh` (test/fixtures/gh/gh, built from cli/cli's api command): prod fails
// closed unless a person starts the run, or the repository opted in AND the prod environment has
// required reviewers.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { readPipeline } from './helpers/real-workflows.ts';

const GH_DIR = fileURLToPath(new URL('fixtures/gh/', import.meta.url));
const script = readPipeline().deploy.jobs['prod-gate']?.steps?.find((s) => s.id === 'decide')?.run ?? '';
const REPO = 'octo-org/octo-repo';
const NOT_FOUND = JSON.stringify({
  message: 'Not Found',
  documentation_url: 'https://docs.github.com/rest',
  status: '404',
});
const environment = (...rules: unknown[]) => JSON.stringify({ name: 'prod', protection_rules: rules });
const reviewers = (n: number) => ({
  id: 1,
  node_id: 'x',
  type: 'required_reviewers',
  prevent_self_review: false,
  reviewers: Array.from({ length: n }, (_, i) => ({ type: 'User', reviewer: { login: `r${i}`, id: i } })),
});

interface Outcome {
  code: number | null;
  promote: string | undefined;
  summary: string;
  stdout: string;
  calls: string[];
}

function gate(
  t: Test,
  env: Record<string, string>,
  answer: { status: number; body: string } = { status: 500, body: '{}' },
): Outcome {
  const dir = t.testdir({ output: '', summary: '', calls: '' });
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    encoding: 'utf8',
    env: {
      PATH: `${GH_DIR}:${process.env.PATH ?? ''}`,
      GITHUB_REPOSITORY: REPO,
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      FAKE_GH_CALLS: join(dir, 'calls'),
      FAKE_GH_STATUS: String(answer.status),
      FAKE_GH_BODY: answer.body,
      GH_TOKEN: 'x',
      ACTOR: 'alice',
      TARGET: '',
      AUTO_PROMOTE: '',
      ...env,
    },
  });
  const output = readFileSync(join(dir, 'output'), 'utf8');
  return {
    code: result.status,
    promote: /^promote=(.*)$/m.exec(output)?.[1],
    summary: readFileSync(join(dir, 'summary'), 'utf8'),
    stdout: result.stdout,
    calls: readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean),
  };
}

void t.test('the script is the real step, and the stand-in gh behaves like gh on 200 and 404', (t) => {
  t.match(script, /gh api "repos\/\$GITHUB_REPOSITORY\/environments\/prod"/);
  const dir = t.testdir({ calls: '' });
  const run = (status: number, body: string) =>
    spawnSync(join(GH_DIR, 'gh'), ['api', 'repos/x/environments/prod', '--jq', '.name'], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        FAKE_GH_CALLS: join(dir, 'calls'),
        FAKE_GH_STATUS: String(status),
        FAKE_GH_BODY: body,
      },
    });
  t.match(run(200, environment()), { status: 0, stdout: 'prod\n' });
  t.match(run(404, NOT_FOUND), { status: 1, stdout: NOT_FOUND, stderr: 'gh: Not Found (HTTP 404)\n' });
  writeFileSync(join(dir, 'calls'), '');
  t.equal(
    spawnSync(join(GH_DIR, 'gh'), ['repo', 'view'], {
      env: { PATH: process.env.PATH, FAKE_GH_CALLS: join(dir, 'calls'), FAKE_GH_STATUS: '200', FAKE_GH_BODY: '' },
    }).status,
    2,
  );
  t.end();
});

void t.test('a merge without PROD_AUTO_PROMOTE stops after staging, without asking GitHub', (t) => {
  for (const value of ['', 'false', 'TRUE', 'yes']) {
    const out = gate(t, { EVENT: 'push', AUTO_PROMOTE: value });
    t.same([out.code, out.promote, out.calls], [0, 'false', []], `PROD_AUTO_PROMOTE=${JSON.stringify(value)}`);
    t.match(
      out.summary,
      /PROD_AUTO_PROMOTE is not true; promote with Actions -> Deploy -> Run workflow \(target prod\)/,
    );
  }
  t.end();
});

void t.test('opted in, but the prod environment is missing or has no reviewers: no prod, and the run fails', (t) => {
  const cases = [
    { name: 'missing environment', answer: { status: 404, body: NOT_FOUND } },
    { name: 'no protection rules', answer: { status: 200, body: environment() } },
    {
      name: 'only a wait timer and branch policy',
      answer: {
        status: 200,
        body: environment({ id: 2, type: 'wait_timer', wait_timer: 30 }, { id: 3, type: 'branch_policy' }),
      },
    },
    { name: 'a reviewers rule without reviewers', answer: { status: 200, body: environment(reviewers(0)) } },
  ];
  for (const c of cases) {
    const out = gate(t, { EVENT: 'push', AUTO_PROMOTE: 'true' }, c.answer);
    t.same([out.code, out.promote], [1, 'false'], c.name);
    t.same(out.calls, [
      `api repos/${REPO}/environments/prod --jq [.protection_rules[]? | select(.type == "required_reviewers") | .reviewers[]?] | length`,
    ]);
    t.match(
      out.stdout,
      /::error::PROD_AUTO_PROMOTE is set but the prod environment does not exist or has no required reviewers/,
    );
  }
  t.end();
});

void t.test('opted in and protected by required reviewers: prod runs and waits for one of them', (t) => {
  const out = gate(
    t,
    { EVENT: 'push', AUTO_PROMOTE: 'true' },
    { status: 200, body: environment({ id: 3, type: 'branch_policy' }, reviewers(2)) },
  );
  t.same([out.code, out.promote], [0, 'true']);
  t.match(out.summary, /waits for one of the 2 required reviewer\(s\)/);
  t.end();
});

void t.test("a manual run is a person's decision: prod runs for targets that include it", (t) => {
  for (const [target, promote] of [
    ['prod', 'true'],
    ['staging-and-prod', 'true'],
    ['staging', 'false'],
  ] as const) {
    const out = gate(t, { EVENT: 'workflow_dispatch', TARGET: target });
    t.same([out.code, out.promote, out.calls], [0, promote, []], target);
  }
  t.match(gate(t, { EVENT: 'workflow_dispatch', TARGET: 'prod' }).summary, /started by hand by alice \(target prod\)/);
  t.end();
});
