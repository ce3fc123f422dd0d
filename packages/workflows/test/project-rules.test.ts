import t from 'tap';
import { checkProjectRules } from '../src/project-rules.ts';
import { goodFiles, lineOf, withEdit } from './helpers/fixture-files.ts';

const PIPELINE = 'pipeline.yml';
const CALLED = 'called.yml';
const ACTION = 'action.yml';
const SHA = '3d3c42e5aac5ba805825da76410c181273ba90b1';

interface Case {
  /** What the edit breaks. */
  readonly name: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** The only rule that must fire. */
  readonly rule: string;
  /** Text on the line the finding must point at (after the edit). */
  readonly at: string;
  /** Words the message must contain, so it says what is wrong and what is allowed. */
  readonly says: RegExp;
}

const cases: Case[] = [
  {
    name: 'pull_request_target trigger',
    file: PIPELINE,
    from: 'on:\n  push:',
    to: 'on:\n  pull_request_target:\n  push:',
    rule: 'no-pull-request-target',
    at: 'on:',
    says: /use pull_request/,
  },
  {
    name: 'pull_request_target in a list',
    file: PIPELINE,
    from: 'on:\n  push:\n    branches: [main]',
    to: 'on: [push, pull_request_target]',
    rule: 'no-pull-request-target',
    at: 'on:',
    says: /pull_request_target/,
  },
  {
    name: 'no top-level permissions',
    file: PIPELINE,
    from: 'permissions: {}\njobs:',
    to: 'jobs:',
    rule: 'top-permissions',
    at: 'name: Pipeline',
    says: /missing.*expected permissions: \{\}/,
  },
  {
    name: 'top-level grants',
    file: PIPELINE,
    from: 'permissions: {}\njobs:',
    to: 'permissions:\n  contents: write\njobs:',
    rule: 'top-permissions',
    at: 'permissions:',
    says: /"contents":"write".*expected permissions: \{\}/,
  },
  {
    name: 'top-level write-all',
    file: CALLED,
    from: 'permissions: {}',
    to: 'permissions: write-all',
    rule: 'top-permissions',
    at: 'permissions:',
    says: /write-all/,
  },
  {
    name: 'job without permissions',
    file: PIPELINE,
    from: '    permissions:\n      contents: read\n    steps:',
    to: '    steps:',
    rule: 'job-permissions',
    at: '  build:',
    says: /job "build" has no permissions; expected a map/,
  },
  {
    name: 'job with read-all',
    file: PIPELINE,
    from: '    permissions:\n      contents: read\n    steps:',
    to: '    permissions: read-all\n    steps:',
    rule: 'job-permissions',
    at: '  build:',
    says: /permissions: "read-all"/,
  },
  {
    name: 'assumes a role without id-token',
    file: CALLED,
    from: '      id-token: write\n',
    to: '',
    rule: 'oidc',
    at: '    permissions:',
    says: /does not grant permissions: id-token: write/,
  },
  {
    name: 'id-token without a role',
    file: PIPELINE,
    from: '      contents: read\n    steps:',
    to: '      contents: read\n      id-token: write\n    steps:',
    rule: 'oidc',
    at: 'id-token: write',
    says: /job "build" grants id-token: write but assumes no role/,
  },
  {
    name: 'caller does not pass id-token on',
    file: PIPELINE,
    from: '      id-token: write\n',
    to: '',
    rule: 'oidc',
    at: '    permissions:\n      contents: read\n    uses:',
    says: /job "staging" assumes an AWS role/,
  },
  {
    name: 'stored AWS keys',
    file: CALLED,
    from: '          role-to-assume: arn:aws:iam::210987654321:role/deploy',
    to: '          aws-access-key-id: AKIAEXAMPLE\n          role-to-assume: arn:aws:iam::210987654321:role/deploy',
    rule: 'oidc',
    at: 'aws-access-key-id',
    says: /stored AWS keys; expected role-to-assume/,
  },
  {
    name: 'deploy job without environment',
    file: CALLED,
    from: '    environment:\n      name: ${{ inputs.stage }}\n',
    to: '',
    rule: 'deploy-environment',
    at: '  deploy:',
    says: /deploys but has no environment; expected environment/,
  },
  {
    name: 'deploy job that cancels',
    file: CALLED,
    from: 'cancel-in-progress: false',
    to: 'cancel-in-progress: true',
    rule: 'deploy-concurrency',
    at: '  deploy:',
    says: /cancel-in-progress: false/,
  },
  {
    name: 'deploy job without concurrency',
    file: CALLED,
    from: '    concurrency:\n      group: deploy-${{ inputs.stage }}\n      cancel-in-progress: false\n',
    to: '',
    rule: 'deploy-concurrency',
    at: '  deploy:',
    says: /without a concurrency group/,
  },
  {
    name: 'job without timeout',
    file: PIPELINE,
    from: '    timeout-minutes: 10\n',
    to: '',
    rule: 'timeout',
    at: '  build:',
    says: /no timeout-minutes/,
  },
  {
    name: 'expression inside run',
    file: PIPELINE,
    from: 'run: echo "packaging $VERSION"',
    to: 'run: echo "packaging ${{ github.sha }}"',
    rule: 'run-expression',
    at: 'run: echo',
    says: /pass the value through env:/,
  },
  {
    name: 'expression inside a composite run',
    file: ACTION,
    from: 'run: echo ready',
    to: 'run: echo ${{ github.ref }}',
    rule: 'run-expression',
    at: 'run: echo',
    says: /script injection/,
  },
  {
    name: 'action pinned to a tag',
    file: PIPELINE,
    from: `actions/checkout@${SHA} # v7.0.1`,
    to: 'actions/checkout@v7',
    rule: 'pinned-uses',
    at: 'actions/checkout@',
    says: /"actions\/checkout@v7" is not pinned; expected owner\/repo@<40-hex commit sha>/,
  },
  {
    name: 'pinned without version comment',
    file: PIPELINE,
    from: `actions/checkout@${SHA} # v7.0.1`,
    to: `actions/checkout@${SHA}`,
    rule: 'pinned-uses',
    at: 'actions/checkout@',
    says: /no version comment; expected "# vX.Y.Z"/,
  },
  {
    name: 'short sha',
    file: ACTION,
    from: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020',
    to: 'actions/setup-node@8207627',
    rule: 'pinned-uses',
    at: 'setup-node@',
    says: /not pinned/,
  },
  {
    name: 'docker image by tag',
    file: ACTION,
    from: `- run: echo ready\n      shell: bash`,
    to: `- uses: docker://alpine:3.20`,
    rule: 'pinned-uses',
    at: 'docker://',
    says: /expected docker:\/\/image@sha256:/,
  },
  {
    name: 'checkout keeps the token',
    file: PIPELINE,
    from: '        with:\n          persist-credentials: false\n',
    to: '',
    rule: 'checkout-credentials',
    at: 'actions/checkout@',
    says: /persist-credentials: false/,
  },
  {
    name: 'package install after credentials',
    file: CALLED,
    from: '      - env:\n          STAGE:',
    to: '      - run: npm ci\n      - env:\n          STAGE:',
    rule: 'code-after-credentials',
    at: 'run: npm ci',
    says: /job "deploy" brings code in .* after it assumes an AWS role in step 1/,
  },
  {
    name: 'setup action after credentials',
    file: CALLED,
    from: '      - env:\n          STAGE:',
    to: '      - uses: ./.github/actions/setup\n      - env:\n          STAGE:',
    rule: 'code-after-credentials',
    at: './.github/actions/setup',
    says: /checkout, setup action or package install/,
  },
  {
    name: 'npx after credentials',
    file: CALLED,
    from: '      - env:\n          STAGE:',
    to: '      - run: npx cdk deploy x\n      - env:\n          STAGE:',
    rule: 'code-after-credentials',
    at: 'run: npx',
    says: /run what a credential-free job built/,
  },
  {
    name: 'job outlives its session',
    file: CALLED,
    from: '    timeout-minutes: 30',
    to: '    timeout-minutes: 61',
    rule: 'session-length',
    at: '        with:',
    says: /may run 61 min .* lasts 3600 s .*expected role-duration-seconds >= timeout-minutes \* 60 \(3660\)/,
  },
  {
    name: 'session shorter than the job',
    file: CALLED,
    from: '          aws-region: eu-west-3',
    to: '          aws-region: eu-west-3\n          role-duration-seconds: 1799',
    rule: 'session-length',
    at: 'role-duration-seconds',
    says: /lasts 1799 s/,
  },
  {
    name: 'release deploy without ancestors',
    file: CALLED,
    from: ' --ancestors ancestors.txt',
    to: '',
    rule: 'deploy-ancestors',
    at: 'run: node cli/release.mjs deploy',
    says: /without --ancestors <file>.*--allow-older only from an explicit rollback input/,
  },
  {
    name: 'invalid YAML',
    file: PIPELINE,
    from: 'name: Pipeline',
    to: 'name: [Pipeline',
    rule: 'yaml',
    at: '# A small workflow',
    says: /not valid YAML/,
  },
];

void t.test('the clean fixture passes every project rule', async (t) => {
  t.same(checkProjectRules(await goodFiles()), []);
});

for (const c of cases) {
  void t.test(`${c.rule}: ${c.name}`, async (t) => {
    const files = await withEdit(c.file, c.from, c.to);
    const findings = checkProjectRules(files);
    t.same(
      findings.map((f) => f.rule),
      [c.rule],
      'exactly one finding, of this rule',
    );
    const [finding] = findings;
    t.match(finding?.message, c.says);
    t.equal(finding?.file, files.find((f) => f.path.endsWith(c.file))?.path);
    t.equal(finding?.line, c.rule === 'yaml' ? 0 : lineOf(files, c.file, c.at), 'points at the offending line');
  });
}

void t.test('code brought in before the credentials, and a session as long as the job, pass', async (t) => {
  const before = await withEdit(
    CALLED,
    '      - uses: aws-actions/',
    '      - run: npm ci\n      - uses: aws-actions/',
  );
  t.same(checkProjectRules(before), []);
  const exact = await withEdit(
    CALLED,
    '          aws-region: eu-west-3',
    '          aws-region: eu-west-3\n          role-duration-seconds: 1800',
  );
  t.same(checkProjectRules(exact), []);
  const noTimeout = await withEdit(CALLED, '    timeout-minutes: 30\n', '');
  t.same(
    checkProjectRules(noTimeout).map((f) => f.rule),
    ['timeout'],
    "a missing timeout is the timeout rule's finding only",
  );
});

void t.test('cdk deploy and the bundled CLI count as deploying', async (t) => {
  const noEnvironment = (files: Awaited<ReturnType<typeof withEdit>>) =>
    checkProjectRules(
      files.map((f) =>
        f.path.endsWith(CALLED)
          ? { ...f, text: f.text.replace('    environment:\n      name: ${{ inputs.stage }}\n', '') }
          : f,
      ),
    );
  const cdk = await withEdit(
    CALLED,
    'run: node cli/release.mjs deploy --stage "$STAGE" --version 1 --ancestors ancestors.txt',
    'run: |\n          "$RUNNER_TEMP/cdk" deploy --app assembly stack',
  );
  t.same(
    noEnvironment(cdk).map((f) => f.rule),
    ['deploy-environment'],
  );
  const promote = await withEdit(
    CALLED,
    'run: node cli/release.mjs deploy --stage "$STAGE" --version 1 --ancestors ancestors.txt',
    'run: node cli/release.mjs promote --version 1 --from staging --to prod --check',
  );
  t.same(
    noEnvironment(promote).map((f) => f.rule),
    ['deploy-environment'],
  );
  const names = await withEdit(
    CALLED,
    'run: node cli/release.mjs deploy --stage "$STAGE" --version 1 --ancestors ancestors.txt',
    'run: node cli/release.mjs names --stage "$STAGE"',
  );
  t.same(
    noEnvironment(names).map((f) => f.rule),
    [],
    'looking up names changes nothing',
  );
});

void t.test('a concurrency group given as a string never cancels', async (t) => {
  const files = await withEdit(
    CALLED,
    '    concurrency:\n      group: deploy-${{ inputs.stage }}\n      cancel-in-progress: false\n',
    '    concurrency: deploy-staging\n',
  );
  t.same(checkProjectRules(files), []);
});

void t.test('workflow-level concurrency covers a deploy job', async (t) => {
  const files = await withEdit(
    CALLED,
    '    concurrency:\n      group: deploy-${{ inputs.stage }}\n      cancel-in-progress: false\n',
    '',
  );
  const withTop = files.map((f) =>
    f.path.endsWith(CALLED)
      ? { ...f, text: f.text.replace('permissions: {}\n', 'permissions: {}\nconcurrency: deploy\n') }
      : f,
  );
  t.same(checkProjectRules(withTop), []);
});

void t.test('a caller of a workflow outside the repository is not second-guessed', async (t) => {
  const files = await withEdit(
    PIPELINE,
    'uses: ./.github/workflows/called.yml',
    `uses: octo/shared/.github/workflows/deploy.yml@${SHA} # v1.0.0`,
  );
  t.same(checkProjectRules(files), []);
});

void t.test('shapes GitHub rejects are left to its parser, without crashing the project rules', (t) => {
  const check = (text: string) => checkProjectRules([{ path: '.github/workflows/x.yml', text, kind: 'workflow' }]);
  t.same(check('- just a list'), []);
  t.same(
    check('on: push\npermissions: {}\njobs: [a]\n').map((f) => f.rule),
    [],
  );
  t.same(check('on: push\npermissions: {}\njobs:\n  a: 1\n'), []);
  const steps = check(
    'on: push\npermissions: {}\njobs:\n  a:\n    permissions: {}\n    timeout-minutes: 1\n    steps: [1, {run: echo}]\n',
  );
  t.same(steps, []);
  t.same(check('on: 7\npermissions: {}\njobs: {}\n'), []);
  t.same(checkProjectRules([{ path: '.github/actions/a/action.yml', text: 'runs: composite', kind: 'action' }]), []);
  t.end();
});

void t.test('pull_request_target as the only trigger is found too', (t) => {
  const findings = checkProjectRules([
    { path: '.github/workflows/x.yml', text: 'on: pull_request_target\npermissions: {}\njobs: {}\n', kind: 'workflow' },
  ]);
  t.same(
    findings.map((f) => [f.rule, f.line]),
    [['no-pull-request-target', 1]],
  );
  t.end();
});
