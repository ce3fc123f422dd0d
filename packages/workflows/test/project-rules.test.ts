// Each project rule on the clean fixture and on this repository's workflows: one change of the
// parsed document makes exactly that rule fire, at the line of what changed, with a message that
// says what is wrong and what is allowed.
import t, { type Test } from 'tap';
import type { Document, Scalar } from 'yaml';
import { checkProjectRules } from '../src/project-rules.ts';
import type { SourceFile } from '../src/workflow-file.ts';
import type { YamlPath } from '../src/yaml-source.ts';
import { editFile, insert, remove, replace, replaceIn } from './helpers/edit.ts';
import { goodSources, realSources } from './helpers/fixture-files.ts';
import { step } from './helpers/real-workflows.ts';

const PIPELINE = 'pipeline.yml';
const CALLED = 'called.yml';
const ACTION = 'setup/action.yml';
const DEPLOY = 'workflows/deploy.yml';
const STAGE = 'workflows/deploy-stage.yml';
const CI = 'workflows/ci.yml';

interface Case {
  readonly name: string;
  readonly file: string;
  readonly change: (doc: Document) => void;
  /** The only rule that must fire. */
  readonly rule: string;
  /** Where the finding must point, as a path in the file before the change. */
  readonly at: YamlPath | ((doc: Document) => YamlPath);
  /** Words the message must contain, so it says what is wrong and what is allowed. */
  readonly says: RegExp;
}

const CALLED_STEPS = ['jobs', 'deploy', 'steps'];
const fixtureCases: Case[] = [
  {
    name: 'pull_request_target trigger',
    file: PIPELINE,
    change: (d) => d.setIn(['on', 'pull_request_target'], null),
    rule: 'no-pull-request-target',
    at: ['on'],
    says: /use pull_request/,
  },
  {
    name: 'pull_request_target in a list',
    file: PIPELINE,
    change: (d) => replace(d, ['on'], ['push', 'pull_request_target']),
    rule: 'no-pull-request-target',
    at: ['on'],
    says: /pull_request_target/,
  },
  {
    name: 'no top-level permissions',
    file: PIPELINE,
    change: (d) => remove(d, ['permissions']),
    rule: 'top-permissions',
    at: [],
    says: /missing.*expected permissions: \{\}/,
  },
  {
    name: 'top-level grants',
    file: PIPELINE,
    change: (d) => replace(d, ['permissions'], { contents: 'write' }),
    rule: 'top-permissions',
    at: ['permissions'],
    says: /"contents":"write".*expected permissions: \{\}/,
  },
  {
    name: 'top-level write-all',
    file: CALLED,
    change: (d) => replace(d, ['permissions'], 'write-all'),
    rule: 'top-permissions',
    at: ['permissions'],
    says: /write-all/,
  },
  {
    name: 'job without permissions',
    file: PIPELINE,
    change: (d) => remove(d, ['jobs', 'build', 'permissions']),
    rule: 'job-permissions',
    at: ['jobs', 'build'],
    says: /job "build" has no permissions; expected a map/,
  },
  {
    name: 'job with read-all',
    file: PIPELINE,
    change: (d) => replace(d, ['jobs', 'build', 'permissions'], 'read-all'),
    rule: 'job-permissions',
    at: ['jobs', 'build'],
    says: /permissions: "read-all"/,
  },
  {
    name: 'assumes a role without id-token',
    file: CALLED,
    change: (d) => remove(d, ['jobs', 'deploy', 'permissions', 'id-token']),
    rule: 'oidc',
    at: ['jobs', 'deploy', 'permissions'],
    says: /does not grant permissions: id-token: write/,
  },
  {
    name: 'id-token without a role',
    file: PIPELINE,
    change: (d) => d.setIn(['jobs', 'build', 'permissions', 'id-token'], 'write'),
    rule: 'oidc',
    at: ['jobs', 'build', 'permissions'],
    says: /job "build" grants id-token: write but assumes no role/,
  },
  {
    name: 'caller does not pass id-token on',
    file: PIPELINE,
    change: (d) => remove(d, ['jobs', 'staging', 'permissions', 'id-token']),
    rule: 'oidc',
    at: ['jobs', 'staging', 'permissions'],
    says: /job "staging" assumes an AWS role/,
  },
  {
    name: 'stored AWS keys',
    file: CALLED,
    change: (d) => d.setIn([...CALLED_STEPS, 0, 'with', 'aws-access-key-id'], 'AKIAEXAMPLE'),
    rule: 'oidc',
    at: [...CALLED_STEPS, 0, 'with'],
    says: /stored AWS keys; expected role-to-assume/,
  },
  {
    name: 'deploy job without environment',
    file: CALLED,
    change: (d) => remove(d, ['jobs', 'deploy', 'environment']),
    rule: 'deploy-environment',
    at: ['jobs', 'deploy'],
    says: /deploys but has no environment; expected environment/,
  },
  {
    name: 'deploy job that cancels',
    file: CALLED,
    change: (d) => replace(d, ['jobs', 'deploy', 'concurrency', 'cancel-in-progress'], true),
    rule: 'deploy-concurrency',
    at: ['jobs', 'deploy'],
    says: /cancel-in-progress: false/,
  },
  {
    name: 'deploy job without concurrency',
    file: CALLED,
    change: (d) => remove(d, ['jobs', 'deploy', 'concurrency']),
    rule: 'deploy-concurrency',
    at: ['jobs', 'deploy'],
    says: /without a concurrency group/,
  },
  {
    name: 'job without timeout',
    file: PIPELINE,
    change: (d) => remove(d, ['jobs', 'build', 'timeout-minutes']),
    rule: 'timeout',
    at: ['jobs', 'build'],
    says: /no timeout-minutes/,
  },
  {
    name: 'expression inside run',
    file: PIPELINE,
    change: (d) => replaceIn(d, ['jobs', 'build', 'steps', 2, 'run'], '$VERSION', '${{ github.sha }}'),
    rule: 'run-expression',
    at: ['jobs', 'build', 'steps', 2, 'run'],
    says: /pass the value through env:/,
  },
  {
    name: 'expression inside a composite run',
    file: ACTION,
    change: (d) => replaceIn(d, ['runs', 'steps', 1, 'run'], 'ready', '${{ github.ref }}'),
    rule: 'run-expression',
    at: ['runs', 'steps', 1, 'run'],
    says: /script injection/,
  },
  {
    name: 'action pinned to a tag',
    file: PIPELINE,
    change: (d) => replace(d, ['jobs', 'build', 'steps', 0, 'uses'], 'actions/checkout@v7'),
    rule: 'pinned-uses',
    at: ['jobs', 'build', 'steps', 0, 'uses'],
    says: /"actions\/checkout@v7" is not pinned; expected owner\/repo@<40-hex commit sha>/,
  },
  {
    name: 'pinned without version comment',
    file: PIPELINE,
    change: (d) => {
      (d.getIn(['jobs', 'build', 'steps', 0, 'uses'], true) as Scalar).comment = null;
    },
    rule: 'pinned-uses',
    at: ['jobs', 'build', 'steps', 0, 'uses'],
    says: /no version comment; expected "# vX.Y.Z"/,
  },
  {
    name: 'short sha',
    file: ACTION,
    change: (d) => replaceIn(d, ['runs', 'steps', 0, 'uses'], /@[0-9a-f]{40}/, '@8207627'),
    rule: 'pinned-uses',
    at: ['runs', 'steps', 0, 'uses'],
    says: /not pinned/,
  },
  {
    name: 'docker image by tag',
    file: ACTION,
    change: (d) => replace(d, ['runs', 'steps', 1], { uses: 'docker://alpine:3.20' }),
    rule: 'pinned-uses',
    at: ['runs', 'steps'],
    says: /expected docker:\/\/image@sha256:/,
  },
  {
    name: 'checkout keeps the token',
    file: PIPELINE,
    change: (d) => remove(d, ['jobs', 'build', 'steps', 0, 'with']),
    rule: 'checkout-credentials',
    at: ['jobs', 'build', 'steps', 0, 'uses'],
    says: /persist-credentials: false/,
  },
  {
    name: 'package install after credentials',
    file: CALLED,
    change: (d) => insert(d, CALLED_STEPS, 1, { run: 'npm ci' }),
    rule: 'code-after-credentials',
    at: CALLED_STEPS,
    says: /job "deploy" brings code in .* after it assumes an AWS role in step 1/,
  },
  {
    name: 'setup action after credentials',
    file: CALLED,
    change: (d) => insert(d, CALLED_STEPS, 1, { uses: './.github/actions/setup' }),
    rule: 'code-after-credentials',
    at: CALLED_STEPS,
    says: /checkout, setup action or package install/,
  },
  {
    name: 'npx after credentials',
    file: CALLED,
    change: (d) => insert(d, CALLED_STEPS, 1, { run: 'npx cdk deploy x' }),
    rule: 'code-after-credentials',
    at: CALLED_STEPS,
    says: /run what a credential-free job built/,
  },
  {
    name: 'job outlives its session',
    file: CALLED,
    change: (d) => replace(d, ['jobs', 'deploy', 'timeout-minutes'], 61),
    rule: 'session-length',
    at: [...CALLED_STEPS, 0, 'with'],
    says: /may run 61 min .* lasts 3600 s .*expected role-duration-seconds >= timeout-minutes \* 60 \(3660\)/,
  },
  {
    name: 'session shorter than the job',
    file: CALLED,
    change: (d) => d.setIn([...CALLED_STEPS, 0, 'with', 'role-duration-seconds'], 1799),
    rule: 'session-length',
    at: [...CALLED_STEPS, 0, 'with'],
    says: /lasts 1799 s/,
  },
  {
    name: 'release deploy without ancestors',
    file: CALLED,
    change: (d) => replaceIn(d, [...CALLED_STEPS, 1, 'run'], ' --ancestors ancestors.txt', ''),
    rule: 'deploy-ancestors',
    at: [...CALLED_STEPS, 1, 'run'],
    says: /without --ancestors <file>.*--allow-older only from an explicit rollback input/,
  },
];

function runCase(t: Test, files: readonly SourceFile[], c: Case): void {
  const changed = editFile(files, c.file, c.change);
  const findings = checkProjectRules(changed);
  t.same(
    findings.map((f) => f.rule),
    [c.rule],
    findings.map((f) => f.message).join('\n'),
  );
  const original = files.find((f) => f.path.endsWith(c.file))!;
  const at = typeof c.at === 'function' ? c.at(original.source.doc) : c.at;
  t.match(findings[0], { file: original.path, line: original.source.lineOf(at), message: c.says });
}

const fixture = await goodSources();
void t.test('the clean fixture passes every project rule', (t) => {
  t.same(checkProjectRules(fixture), []);
  t.end();
});
for (const c of fixtureCases) {
  void t.test(`${c.rule}: ${c.name}`, (t) => {
    runCase(t, fixture, c);
    t.end();
  });
}

void t.test('code brought in before the credentials, and a session as long as the job, pass', (t) => {
  t.same(checkProjectRules(editFile(fixture, CALLED, (d) => insert(d, CALLED_STEPS, 0, { run: 'npm ci' }))), []);
  const exact = editFile(fixture, CALLED, (d) => d.setIn([...CALLED_STEPS, 0, 'with', 'role-duration-seconds'], 1800));
  t.same(checkProjectRules(exact), []);
  const noTimeout = editFile(fixture, CALLED, (d) => remove(d, ['jobs', 'deploy', 'timeout-minutes']));
  t.same(
    checkProjectRules(noTimeout).map((f) => f.rule),
    ['timeout'],
    "a missing timeout is the timeout rule's finding only",
  );
  t.end();
});

void t.test('cdk deploy and the bundled CLI count as deploying; looking up names does not', (t) => {
  const rulesWith = (run: string) =>
    checkProjectRules(
      editFile(fixture, CALLED, (d) => {
        replace(d, [...CALLED_STEPS, 1, 'run'], run);
        remove(d, ['jobs', 'deploy', 'environment']);
      }),
    ).map((f) => f.rule);
  t.same(rulesWith('"$RUNNER_TEMP/cdk" deploy --app assembly stack'), ['deploy-environment']);
  t.same(rulesWith('node cli/release.mjs promote --version 1 --from staging --to prod --check'), [
    'deploy-environment',
  ]);
  t.same(rulesWith('node cli/release.mjs names --stage "$STAGE"'), []);
  t.end();
});

void t.test('a concurrency group as a string, or at the top of the workflow, covers a deploy job', (t) => {
  const asString = editFile(fixture, CALLED, (d) => replace(d, ['jobs', 'deploy', 'concurrency'], 'deploy-staging'));
  t.same(checkProjectRules(asString), []);
  const atTop = editFile(fixture, CALLED, (d) => {
    remove(d, ['jobs', 'deploy', 'concurrency']);
    d.set('concurrency', 'deploy');
  });
  t.same(checkProjectRules(atTop), []);
  t.end();
});

void t.test('a caller of a workflow outside the repository is not second-guessed', (t) => {
  const files = editFile(fixture, PIPELINE, (d) =>
    replace(
      d,
      ['jobs', 'staging', 'uses'],
      'octo/shared/.github/workflows/deploy.yml@3d3c42e5aac5ba805825da76410c181273ba90b1',
    ),
  );
  t.same(checkProjectRules(files), []);
  t.end();
});

void t.test('shapes GitHub rejects are left to its parser, without crashing the project rules', (t) => {
  const check = (data: unknown, kind: SourceFile['kind'] = 'workflow') =>
    checkProjectRules(
      editFile(fixture, PIPELINE, (d) => (d.contents = d.createNode(data))).map((f) => ({ ...f, kind })),
    );
  t.same(
    check(['just a list']).filter((f) => f.file.endsWith(PIPELINE)),
    [],
  );
  for (const jobs of [['a'], { a: 1 }, { a: { permissions: {}, 'timeout-minutes': 1, steps: [1, { run: 'echo' }] } }]) {
    t.same(
      check({ on: 'push', permissions: {}, jobs }).filter((f) => f.file.endsWith(PIPELINE)),
      [],
      JSON.stringify(jobs),
    );
  }
  t.same(
    check({ on: 7, permissions: {}, jobs: {} }).filter((f) => f.file.endsWith(PIPELINE)),
    [],
  );
  t.same(
    check({ runs: 'composite' }, 'action').filter((f) => f.file.endsWith(PIPELINE)),
    [],
  );
  const only = checkProjectRules(editFile(fixture, PIPELINE, (d) => replace(d, ['on'], 'pull_request_target')));
  t.same(
    only.map((f) => f.rule),
    ['no-pull-request-target'],
  );
  t.end();
});

// The same rules bite on this repository's own workflows.
const real = await realSources();
const realCases: Case[] = [
  {
    name: 'ci.yml on pull_request_target',
    file: CI,
    change: (d) => {
      d.setIn(['on', 'pull_request_target'], null);
      remove(d, ['on', 'pull_request']);
    },
    rule: 'no-pull-request-target',
    at: ['on'],
    says: /use pull_request/,
  },
  {
    name: 'deploy.yml grants write-all',
    file: DEPLOY,
    change: (d) => replace(d, ['permissions'], 'write-all'),
    rule: 'top-permissions',
    at: ['permissions'],
    says: /write-all/,
  },
  {
    name: 'the build job without permissions',
    file: DEPLOY,
    change: (d) => remove(d, ['jobs', 'build', 'permissions']),
    rule: 'job-permissions',
    at: ['jobs', 'build'],
    says: /job "build" has no permissions/,
  },
  {
    name: 'the stage job without id-token',
    file: STAGE,
    change: (d) => replace(d, ['jobs', 'deploy', 'permissions'], { contents: 'read' }),
    rule: 'oidc',
    at: ['jobs', 'deploy', 'permissions'],
    says: /assumes an AWS role but does not grant/,
  },
  {
    name: 'the staging caller without id-token',
    file: DEPLOY,
    change: (d) => replace(d, ['jobs', 'staging', 'permissions'], { contents: 'read' }),
    rule: 'oidc',
    at: ['jobs', 'staging', 'permissions'],
    says: /job "staging" assumes an AWS role/,
  },
  {
    name: 'the stage job without environment',
    file: STAGE,
    change: (d) => remove(d, ['jobs', 'deploy', 'environment']),
    rule: 'deploy-environment',
    at: ['jobs', 'deploy'],
    says: /has no environment/,
  },
  {
    name: 'the stage job cancels a running deploy',
    file: STAGE,
    change: (d) => replace(d, ['jobs', 'deploy', 'concurrency', 'cancel-in-progress'], true),
    rule: 'deploy-concurrency',
    at: ['jobs', 'deploy'],
    says: /cancel-in-progress: false/,
  },
  {
    name: 'the prod gate without a timeout',
    file: DEPLOY,
    change: (d) => remove(d, ['jobs', 'prod-gate', 'timeout-minutes']),
    rule: 'timeout',
    at: ['jobs', 'prod-gate'],
    says: /no timeout-minutes/,
  },
  {
    name: 'a session shorter than the stage job',
    file: STAGE,
    change: (d) =>
      replace(d, [...step(d, 'deploy', /configure-aws-credentials/), 'with', 'role-duration-seconds'], 1800),
    rule: 'session-length',
    at: (d) => [...step(d, 'deploy', /configure-aws-credentials/), 'with', 'role-duration-seconds'],
    says: /lasts 1800 s/,
  },
  {
    name: 'npm ci with deploy credentials',
    file: STAGE,
    change: (d) => replaceIn(d, [...step(d, 'deploy', /^Smoke-test/), 'run'], /^/, 'npm ci && '),
    rule: 'code-after-credentials',
    at: (d) => step(d, 'deploy', /^Smoke-test/),
    says: /brings code in/,
  },
  {
    name: 'release deploy without the ancestors',
    file: STAGE,
    change: (d) =>
      replaceIn(d, [...step(d, 'deploy', /^Deploy the release/), 'run'], ' --ancestors ancestors/ancestors.txt', ''),
    rule: 'deploy-ancestors',
    at: (d) => [...step(d, 'deploy', /^Deploy the release/), 'run'],
    says: /without --ancestors/,
  },
  {
    name: 'an input pasted into a script',
    file: STAGE,
    change: (d) =>
      replaceIn(d, [...step(d, 'deploy', /^Look up the stage's names$/m), 'run'], '"$STAGE"', '${{ inputs.stage }}'),
    rule: 'run-expression',
    at: (d) => [...step(d, 'deploy', /^Look up the stage's names$/m), 'run'],
    says: /script injection/,
  },
  {
    name: 'setup-node by tag',
    file: STAGE,
    change: (d) => replace(d, [...step(d, 'deploy', /setup-node/), 'uses'], 'actions/setup-node@v7'),
    rule: 'pinned-uses',
    at: (d) => [...step(d, 'deploy', /setup-node/), 'uses'],
    says: /not pinned/,
  },
  {
    name: 'the build checkout keeps its token',
    file: DEPLOY,
    change: (d) => replace(d, [...step(d, 'build', /checkout/), 'with', 'persist-credentials'], true),
    rule: 'checkout-credentials',
    at: (d) => [...step(d, 'build', /checkout/), 'uses'],
    says: /persist-credentials: false/,
  },
];

void t.test("this repository's workflows and actions pass every project rule", (t) => {
  t.same(checkProjectRules(real), []);
  t.end();
});
for (const c of realCases) {
  void t.test(`${c.rule}: ${c.name}`, (t) => {
    runCase(t, real, c);
    t.end();
  });
}
