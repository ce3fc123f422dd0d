import { ProjectConfigError } from '@hello/config/define-project';
import t from 'tap';
import { CliError } from '../src/cli-error.ts';
import { importOrExit, runEntry } from '../src/run-entry.ts';

function proc(argv: string[], env: Record<string, string> = {}) {
  let err = '';
  return { argv: ['node', 'entry', ...argv], env, stderr: { write: (s: string) => (err += s) }, err: () => err };
}

t.test('runs the loaded program with the arguments after the script', async (t) => {
  const p = proc(['names', '--stage', 'prod']);
  t.equal(await runEntry(p, async () => async (argv) => (argv.join(' ') === 'names --stage prod' ? 0 : 9)), 0);
  t.equal(p.err(), '');
});

t.test('invalid settings thrown while the program loads: a few lines, exit 1, no stack', async (t) => {
  const problem = 'aws.account: "12345" is not allowed; expected a 12-digit AWS account id as a string';
  const p = proc(['names']);
  t.equal(await runEntry(p, () => Promise.reject(new ProjectConfigError([problem]))), 1);
  t.equal(p.err(), `error: invalid project settings (packages/config/src/project.ts):\n  - ${problem}\n`);
  const verbose = proc(['names', '--verbose']);
  await runEntry(verbose, () => Promise.reject(new ProjectConfigError([problem])));
  t.match(verbose.err(), /\n\s+at /, '--verbose adds the stack');
});

t.test('an error the program throws is reported with its exit code', async (t) => {
  const p = proc(['x'], { DEBUG: '1' });
  t.equal(await runEntry(p, async () => () => Promise.reject(new CliError('refused', 3))), 3);
  t.match(p.err(), /^error: refused\n\s+at /);
});

t.test('importOrExit: the module when it loads; otherwise the report and the exit code', async (t) => {
  const problem = 'aws.account: "12345" is not allowed; expected a 12-digit AWS account id as a string';
  const exits: number[] = [];
  const p = {
    ...proc([]),
    exit: (code: number): never => {
      exits.push(code);
      throw new Error('exited');
    },
  };
  t.same(await importOrExit(p, async () => ({ project: 'ok' })), { project: 'ok' });
  t.same(exits, []);
  await t.rejects(
    importOrExit(p, () => Promise.reject(new ProjectConfigError([problem]))),
    /exited/,
  );
  t.same(exits, [1]);
  t.equal(p.err(), `error: invalid project settings (packages/config/src/project.ts):\n  - ${problem}\n`);
});
