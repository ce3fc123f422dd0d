// The tool-install, tool-version and tool-list rules: on a small fixture workspace whose scripts
// reach outside tools through pnpm, turbo, tsx, tap, cdk and imports, and on this repository,
// where removing the cfn-lint step from the jobs that run `pnpm synth` is found.
import t, { type Test } from 'tap';
import { commandNeeds } from '../src/command-needs.ts';
import { REPO_ROOT } from '../src/lint-repository.ts';
import { OUTSIDE_TOOLS } from '../src/outside-tools.ts';
import { checkToolInstalls, checkToolList } from '../src/tool-installs.ts';
import { parseWorkflowFiles, readWorkflowFiles, type SourceFile } from '../src/workflow-file.ts';
import { readWorkspace } from '../src/workspace.ts';
import { editFile, remove } from './helpers/edit.ts';
import { realSources } from './helpers/fixture-files.ts';
import { step } from './helpers/real-workflows.ts';

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
        test: { 'a.test.ts': "import '@x/lib/tool';\nimport '@x/lib';\n", helpers: { 'h.ts': spawns('spawn', 'wrk') } },
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
      { run: 'pnpm version && pnpm install --frozen-lockfile && node -e "x" && pnpm --filter @x/infra exec cdk diff' },
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
    tools: { extra: { 'package.json': json({ name: 'extra' }), 'x.ts': `// ok\n${spawns('spawnSync', 'newuidmap')}` } },
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
