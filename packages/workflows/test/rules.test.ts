import t, { type Test } from 'tap';
import type { Document, Scalar } from 'yaml';
import { checkProjectRules } from '../src/project-rules.ts';
import { type SourceFile, parseWorkflowFiles, readWorkflowFiles } from '../src/workflow-file.ts';
import { type YamlPath, parseYamlSource } from '../src/yaml-source.ts';
import { editFile, insert, remove, replace, replaceIn } from './helpers/edit.ts';
import { goodSources, realSources, GOOD_ROOT } from './helpers/fixture-files.ts';
import { step } from './helpers/real-workflows.ts';
import { commandNeeds } from '../src/command-needs.ts';
import { REPO_ROOT } from '../src/lint-repository.ts';
import { OUTSIDE_TOOLS } from '../src/outside-tools.ts';
import { checkToolInstalls, checkToolList } from '../src/tool-installs.ts';
import { readWorkspace } from '../src/workspace.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Each project rule on the clean fixture and on this repository's workflows: one change of the
// parsed document makes exactly that rule fire, at the line of what changed, with a message that
// says what is wrong and what is allowed.
t.test('project-rules.ts', async (t) => {
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
    const exact = editFile(fixture, CALLED, (d) =>
      d.setIn([...CALLED_STEPS, 0, 'with', 'role-duration-seconds'], 1800),
    );
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
    for (const jobs of [
      ['a'],
      { a: 1 },
      { a: { permissions: {}, 'timeout-minutes': 1, steps: [1, { run: 'echo' }] } },
    ]) {
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
});

// The tool-install, tool-version and tool-list rules: on a small fixture workspace whose scripts
// reach outside tools through pnpm, turbo, tsx, tap, cdk and imports, and on this repository,
// where removing the cfn-lint step from the jobs that run `pnpm synth` is found.
t.test('tool-installs.ts', async (t) => {
  const json = (value: unknown): string => JSON.stringify(value);
  /** A spawn call in fixture source, written so this file itself spawns nothing by name. */
  const spawns = (fn: string, command: string): string => `${fn}(${json(command)}, []);\n`;

  /** A workspace: infra's synth ends with cfn-lint; svc's tests reach haproxy through lib; bench runs wrk. */
  function workspace(
    t: Test,
    workflow: unknown,
    extra: Record<string, unknown> = {},
    workflows: Record<string, string> = {},
  ): string {
    return t.testdir({
      'package.json': json({
        name: 'root',
        scripts: {
          synth: 'turbo run synth',
          check: 'turbo run lint test --concurrency=1',
          bench: 'echo bench && pnpm --filter @x/svc run bench',
          version: 'openssl version',
          load: 'wrk -d 1s https://localhost',
          moto: 'moto_server -p 5000',
        },
      }),
      'pnpm-workspace.yaml': 'packages:\n  - pkgs/*\n  - tools/*\n',
      'turbo.json': json({
        // `typecheck` names a task of the same package (which none of these has).
        tasks: {
          synth: { dependsOn: ['^build', 'typecheck'] },
          test: { dependsOn: ['^build'] },
          lint: { dependsOn: ['//#format'] },
        },
      }),
      pkgs: {
        infra: {
          'package.json': json({
            name: '@x/infra',
            scripts: {
              synth: 'cdk synth && pnpm run --silent lint:cfn',
              'lint:cfn': 'tsx scripts/lint.ts',
              diff: 'cdk diff',
            },
            dependencies: { '@x/lib': 'workspace:*', left: '1' },
          }),
          'cdk.json': json({ app: 'tsx bin/app.ts' }),
          bin: { 'app.ts': "import '../src/stack.ts';\n" },
          src: { 'stack.ts': 'export const x = 1;\n' },
          scripts: {
            'lint.ts': "import { lint } from './runner.ts';\nlint();\n",
            'runner.ts': `export const lint = () => ${spawns('run', 'cfn-lint')}`,
          },
        },
        lib: {
          'package.json': json({
            name: '@x/lib',
            scripts: { build: 'node build.mjs' },
            exports: { './tool': { default: './src/tool.ts' } },
          }),
          'build.mjs': spawns('spawnSync', 'git'),
          src: { 'tool.ts': spawns('execFile', 'haproxy') },
        },
        svc: {
          'package.json': json({
            name: '@x/svc',
            scripts: { test: 'tap', bench: 'tsx bench.ts', lint: 'eslint .' },
            devDependencies: { '@x/lib': 'workspace:*' },
            tap: { include: ['test/**/*.test.ts'] },
          }),
          test: {
            'a.test.ts': "import '@x/lib/tool';\nimport '@x/lib';\n",
            helpers: { 'h.ts': spawns('spawn', 'wrk') },
          },
          'bench.ts': "const { spawn } = await import('node:child_process');\n" + spawns('spawn', 'wrk'),
        },
        'no-package': {},
      },
      '.github': {
        workflows: { 'w.yml': json(workflow), ...workflows },
        actions: {
          'cfn-lint': {
            'action.yml': json({
              name: 'cfn',
              runs: { using: 'composite', steps: [{ run: 'pipx install cfn-lint==1.51.0', shell: 'bash' }] },
            }),
          },
        },
      },
      ...extra,
    });
  }

  const job = (...steps: unknown[]) => ({
    on: 'push',
    permissions: {},
    jobs: { build: { 'runs-on': 'ubuntu-24.04', steps } },
  });

  async function lint(root: string) {
    const { sources } = parseWorkflowFiles(await readWorkflowFiles(root));
    return checkToolInstalls(sources, readWorkspace(root));
  }

  t.test('a job that installs what its commands need is clean; the action or the runner image counts', async (t) => {
    const root = workspace(
      t,
      job(
        { uses: './.github/actions/cfn-lint' },
        { run: 'sudo apt-get update -q\nsudo apt-get install -y -q --no-install-recommends haproxy' },
        { run: 'pnpm synth' },
        { run: 'sudo -E env "PATH=$PATH" pnpm check' },
        {
          run: 'pnpm version && pnpm install --frozen-lockfile && node -e "x" && pnpm --filter @x/infra exec cdk diff',
        },
        { uses: 'actions/checkout@v7' },
        { run: 'echo "# not a command" # comment' },
      ),
      {},
      { 'jobless.yml': json({ on: 'push' }) },
    );
    t.same(await lint(root), []);
  });

  t.test(
    'pnpm synth without cfn-lint is found, with the way from the command to the tool and how to install it',
    async (t) => {
      const root = workspace(t, job({ name: 'Synth', run: 'pnpm synth' }, { run: 'pnpm -w synth' }));
      const findings = await lint(root);
      t.equal(findings.length, 1, 'one finding per tool and job');
      t.match(findings[0], {
        file: '.github/workflows/w.yml',
        rule: 'tool-install',
        message:
          'job "build" runs `pnpm synth`, which needs cfn-lint (root#synth → turbo run synth → @x/infra#synth → pnpm run --silent lint:cfn → @x/infra#lint:cfn → tsx scripts/lint.ts → pkgs/infra/scripts/lint.ts → pkgs/infra/scripts/runner.ts), but no earlier step installs it; install it before: - uses: ./.github/actions/cfn-lint',
      });
    },
  );

  t.test('an install after the command is too late; tests reach tools through workspace imports', async (t) => {
    const root = workspace(t, job({ run: 'pnpm check' }, { run: 'sudo apt-get install -y haproxy' }));
    const [finding, ...rest] = await lint(root);
    t.same(rest, []);
    t.match(
      finding?.message,
      /needs haproxy \(.*@x\/svc#test → tap → pkgs\/svc\/test\/a\.test\.ts → pkgs\/lib\/src\/tool\.ts\).*install it before: sudo apt-get install -y haproxy$/,
    );
  });

  t.test('a tool named in a script itself counts, and a pipx install without a version is found', async (t) => {
    const root = workspace(
      t,
      job({ run: 'pipx install cfn-lint' }, { run: 'pnpm load && pnpm synth' }, { run: 'pnpm moto' }),
    );
    const findings = await lint(root);
    t.same(
      findings.map((f) => f.rule),
      ['tool-version', 'tool-install', 'tool-install'],
    );
    t.match(findings[2]?.message, /needs moto_server .*install it before: pipx install moto==<version>$/);
    t.match(
      findings[0]?.message,
      /pipx install cfn-lint installs whatever version is newest; pin it \(pipx install cfn-lint==X\.Y\.Z\)/,
    );
    t.match(
      findings[1]?.message,
      /needs wrk \(root#load → wrk -d 1s https:\/\/localhost\).*sudo apt-get install -y wrk$/,
    );
  });

  t.test('what a command needs, followed through filters, dependencies and cdk apps', (t) => {
    const root = workspace(t, job());
    const ws = readWorkspace(root);
    const tools = (command: string) =>
      commandNeeds(command, ws, OUTSIDE_TOOLS)
        .map((n) => n.tool)
        .sort();
    t.same(tools('pnpm bench'), ['wrk']);
    t.same(tools('pnpm exec turbo run test --filter=@x/svc'), ['haproxy']);
    t.same(tools('turbo run build --filter @x/svc...'), [], 'dependencies build nothing outside');
    t.same(tools('turbo run synth -F @x/svc^...'), []);
    t.same(tools('pnpm -C pkgs/infra --filter @x/infra run lint:cfn'), ['cfn-lint']);
    t.same(tools('pnpm --filter=@x/infra diff'), []);
    t.same(tools('pnpm run'), []);
    t.same(tools('pnpm'), []);
    t.same(tools('pnpm --filter'), [], 'a filter without its value selects nothing');
    t.same(tools('turbo run synth --filter'), []);
    t.same(
      ws.packages.map((p) => p.name),
      ['@x/infra', '@x/lib', '@x/svc'],
      'folders without package.json are no packages',
    );
    t.end();
  });

  t.test('a program spawned by name that the tool list does not know is found where it is spawned', async (t) => {
    const root = workspace(t, job(), {
      tools: {
        extra: { 'package.json': json({ name: 'extra' }), 'x.ts': `// ok\n${spawns('spawnSync', 'newuidmap')}` },
      },
    });
    t.same(checkToolList(readWorkspace(root)), [
      {
        file: 'tools/extra/x.ts',
        line: 2,
        rule: 'tool-list',
        message:
          "spawns newuidmap, which packages/workflows/src/outside-tools.ts does not list; add it with its apt or pipx package and whether GitHub's runner image has it, so jobs that run this code install it",
      },
    ]);
  });

  t.test('a workspace without manifest or turbo.json reads as empty', (t) => {
    const ws = readWorkspace(t.testdir({ 'package.json': '[]', 'turbo.json': 'not json' }));
    t.same([ws.root.scripts, ws.packages, ws.dependsOn('build'), ws.list('missing')], [{}, [], [], []]);
    t.end();
  });

  const real = await realSources();
  const ws = readWorkspace(REPO_ROOT);
  const realFindings = (files: readonly SourceFile[]) => checkToolInstalls(files, ws);

  t.test('this repository: every job installs what it runs needs, and every spawned program is listed', (t) => {
    t.same(realFindings(real), []);
    t.same(checkToolList(ws), []);
    t.end();
  });

  for (const [file, id] of [
    ['workflows/deploy.yml', 'build'],
    ['workflows/ci.yml', 'diff'],
    ['workflows/ci.yml', 'check'],
  ] as const) {
    t.test(`${file}: job ${id} running pnpm synth (or check) without the cfn-lint action is found`, (t) => {
      const changed = editFile(real, file, (d) => remove(d, step(d, id, /actions\/cfn-lint$/m)));
      const findings = realFindings(changed);
      t.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
      t.match(findings[0], {
        file: `.github/${file}`,
        rule: 'tool-install',
        message: new RegExp(
          `^job "${id}" runs \`pnpm (synth|check)\`, which needs cfn-lint .*packages/infra/.*install it before: - uses: ./.github/actions/cfn-lint$`,
        ),
      });
      t.end();
    });
  }
});

// Finding and parsing the workflow files, and where a parsed source says a value came from.
t.test('workflow-file.ts', async (t) => {
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
});
