import t from 'tap';
import { COMMANDS, mainHelp, runRelease } from '../src/run-release.ts';
import { mockAws, testDeps } from './release-test-deps.ts';

t.test('--help lists every command and the exit codes', async (t) => {
  const deps = testDeps();
  t.equal(await runRelease(['--help'], deps), 0);
  for (const name of ['publish', 'deploy', 'watch', 'smoke', 'promote', 'rollback', 'redeploy', 'names'])
    t.match(deps.out(), new RegExp(`\\n  ${name} +\\S`));
  t.match(deps.out(), 'Exit codes: 0 done, 1 refused or failed, 2 wrong command line, 3 a time bound ran out.');
  t.equal(await runRelease(['help'], testDeps()), 0);
});

t.test('no command prints the help, says what is missing and exits 2', async (t) => {
  const deps = testDeps();
  t.equal(await runRelease([], deps), 2);
  t.equal(deps.out(), mainHelp());
  t.equal(
    deps.err(),
    'error: no command given; the commands are: publish, deploy, watch, smoke, promote, rollback, redeploy, names\n',
  );
});

t.test('every command has --help with usage, options and an example', async (t) => {
  for (const command of COMMANDS) {
    const deps = testDeps();
    t.equal(await runRelease([command.name, '--help'], deps), 0, command.name);
    t.match(deps.out(), `Usage: pnpm release ${command.usage}`);
    t.match(deps.out(), '  --help ');
    t.match(deps.out(), `Examples:\n  pnpm release ${command.name}`);
    for (const option of Object.keys(command.options))
      t.match(deps.out(), `  --${option}`, `${command.name} --${option}`);
  }
});

t.test('an unknown command or option is a usage error that says what is allowed', async (t) => {
  const deps = testDeps();
  t.equal(await runRelease(['ship'], deps), 2);
  t.match(
    deps.err(),
    'error: unknown command "ship"; the commands are: publish, deploy, watch, smoke, promote, rollback, redeploy, names',
  );
  t.equal(await runRelease(['deploy', '--stag', 'prod'], deps), 2);
  t.match(deps.err(), 'deploy: unknown option --stag; the options are: --stage <stage>, --version <sha>');
  t.match(deps.err(), 'See: pnpm release deploy --help');
});

t.test('a shell region other than the project region is noted, not used', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const deps = testDeps({ env: { AWS_REGION: 'eu-west-1' } });
  t.equal(await runRelease(['smoke', '--version', 'x'], deps), 2);
  t.match(
    deps.err(),
    "note: using the project's region eu-central-1 (packages/config/src/project.ts), not AWS_REGION=eu-west-1",
  );
});

t.test('an unexpected error is one line and exits 1; --verbose or DEBUG adds its stack', async (t) => {
  const bug = () => {
    throw new TypeError('bug');
  };
  const quiet = { ...testDeps(), aws: bug };
  t.equal(await runRelease(['watch', 'd-ABC'], quiet), 1);
  t.equal(
    quiet.err(),
    'unexpected error: TypeError: bug\n(a bug: run again with --verbose or DEBUG=1 for the stack trace)\n',
  );
  const verbose = { ...testDeps(), aws: bug };
  t.equal(await runRelease(['watch', 'd-ABC', '--verbose'], verbose), 1, '--verbose is accepted by every command');
  t.match(verbose.err(), /^unexpected error: TypeError: bug\n\s+at /);
  const debug = testDeps({ env: { DEBUG: '1' } });
  t.equal(await runRelease(['watch', 'd-ABC'], { ...debug, aws: bug }), 1);
  t.match(debug.err(), /^unexpected error: TypeError: bug\n\s+at /);
});
