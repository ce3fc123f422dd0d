import { ProjectConfigError } from '@hello/config/define-project';
import t from 'tap';
import { CliError, UsageError } from '../src/cli-error.ts';
import { reportError, wantsVerbose, withoutVerbose } from '../src/report-error.ts';

t.test('--verbose anywhere or DEBUG asks for stack traces', (t) => {
  t.equal(wantsVerbose(['deploy', '--verbose'], {}), true);
  for (const DEBUG of ['1', 'true', '*']) t.equal(wantsVerbose([], { DEBUG }), true, DEBUG);
  t.equal(wantsVerbose(['deploy'], { DEBUG: '0' }), false);
  t.equal(wantsVerbose([], {}), false);
  t.same(withoutVerbose(['deploy', '--verbose', '--stage', 'prod']), ['deploy', '--stage', 'prod']);
  t.end();
});

t.test('a CliError is its message and exit code; frames only when asked', (t) => {
  t.same(reportError(new UsageError('deploy: --stage <stage> is required'), false), {
    text: 'error: deploy: --stage <stage> is required\n',
    exitCode: 2,
  });
  const verbose = reportError(new CliError('refused'), true);
  t.match(verbose.text, /^error: refused\n\s+at /);
  t.equal(verbose.text.match(/refused/g)?.length, 1, 'the message once');
  t.end();
});

t.test('invalid settings: the problem list once, no stack', (t) => {
  const report = reportError(
    new ProjectConfigError(['aws.account: "12345" is not allowed; expected a 12-digit AWS account id as a string']),
    false,
  );
  t.equal(
    report.text,
    'error: invalid project settings (packages/config/src/project.ts):\n  - aws.account: "12345" is not allowed; expected a 12-digit AWS account id as a string\n',
  );
  t.equal(report.exitCode, 1);
  t.end();
});

t.test('a bug: its name and message, the stack only when asked', (t) => {
  const quiet = reportError(new TypeError('x is undefined'), false);
  t.equal(
    quiet.text,
    'unexpected error: TypeError: x is undefined\n(a bug: run again with --verbose or DEBUG=1 for the stack trace)\n',
  );
  t.equal(quiet.exitCode, 1);
  t.match(
    reportError(new TypeError('x is undefined'), true).text,
    /^unexpected error: TypeError: x is undefined\n\s+at .*report-error\.test\.ts/,
  );
  t.equal(reportError('a string', false).text.split('\n')[0], 'unexpected error: Error: a string');
  t.equal(
    reportError(Object.assign(new Error('no stack'), { stack: undefined }), true).text,
    'unexpected error: Error: no stack\n',
  );
  t.end();
});
