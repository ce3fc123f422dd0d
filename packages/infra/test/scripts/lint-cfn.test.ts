// The cfn-lint step of `pnpm synth`: the real cfn-lint on a real template when it is installed,
// and the missing-linter rules (say how to install; fail in CI, never skip silently there).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { INSTALL_HINT, lintCfn, templateFiles } from '../../scripts/lint-cfn.ts';

const dir = mkdtempSync(join(tmpdir(), 'lint-cfn-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const config = new URL('../../.cfnlintrc.yaml', import.meta.url).pathname;
const missing = () => null;

t.test('without cfn-lint: a warning with the install command locally, a failure in CI', async (t) => {
  const lines: string[] = [];
  t.equal(lintCfn(['a.json'], config, { env: {}, run: missing, log: (l) => lines.push(l) }), 0);
  t.equal(lintCfn(['a.json'], config, { env: { CI: 'true' }, run: missing, log: (l) => lines.push(l) }), 1);
  t.same(lines, [`warning: ${INSTALL_HINT}; skipped linting 1 templates`, `error: ${INSTALL_HINT}`]);
  t.match(INSTALL_HINT, 'pipx install cfn-lint');
});

t.test('with cfn-lint: the config file and every template are passed; any finding fails the run', async (t) => {
  // cfn-lint's exit code is a bit mask (2 error, 4 warning, 8 info); the real one runs below when installed.
  for (const [status, exit, line] of [
    [0, 0, 'cfn-lint: 2 templates, no findings'],
    [4, 1, 'cfn-lint found problems (exit 4)'],
    [null, 1, 'cfn-lint found problems (exit null)'],
  ] as const) {
    const calls: string[][] = [];
    const lines: string[] = [];
    const run = (command: string, args: readonly string[]) => {
      calls.push([command, ...args]);
      return args[0] === '--version' ? 0 : status;
    };
    t.equal(lintCfn(['a.json', 'b.json'], config, { env: { CI: 'true' }, run, log: (l) => lines.push(l) }), exit);
    t.same(calls[1], ['cfn-lint', '--config-file', config, '--', 'a.json', 'b.json']);
    t.same(lines, [line]);
  }
});

t.test('templates are read from the cloud assembly manifest', async (t) => {
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        A: { type: 'aws:cloudformation:stack', properties: { templateFile: 'A.template.json' } },
        Tree: { type: 'cdk:tree' },
      },
    }),
  );
  t.same(templateFiles(dir), [join(dir, 'A.template.json')]);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ artifacts: {} }));
  t.throws(() => templateFiles(dir), /no stack templates/);
});

const version = spawnSync('cfn-lint', ['--version']).status;
const installed = version === 0;
t.test(
  'the real cfn-lint fails a broken template and passes a clean one',
  { skip: installed ? false : INSTALL_HINT },
  async (t) => {
    // The version probe ran for real above; each cfn-lint start costs over a second of CPU.
    const run = (command: string, args: readonly string[]) =>
      args[0] === '--version' ? version : spawnSync(command, args, { encoding: 'utf8' }).status;
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }));
    // E3002: a property the resource type does not have.
    writeFileSync(
      bad,
      JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { Colour: 'blue' } } } }),
    );
    const lines: string[] = [];
    t.equal(lintCfn([good], config, { env: {}, run, log: (l) => lines.push(l) }), 0);
    t.equal(lintCfn([bad], config, { env: {}, run, log: (l) => lines.push(l) }), 1);
    t.match(lines, ['cfn-lint: 1 templates, no findings', /cfn-lint found problems \(exit \d+\)/]);
  },
);
