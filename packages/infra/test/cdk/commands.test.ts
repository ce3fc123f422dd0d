import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { project } from '@hello/config/project';
import t, { type Test } from 'tap';
import { createInfraDeps, terminalConfirm } from '../../src/cdk/create-infra-deps.ts';
import { formatStackOutputs } from '../../src/cdk/print-stack-outputs.ts';
import { runCdk } from '../../src/cdk/run-cdk.ts';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { foundationStackName, stageStackName } from '@hello/config/naming';
import { mockClient } from 'aws-sdk-client-mock';
import { runInfraCommand, type InfraDeps } from '../../src/cdk/run-infra-command.ts';

t.test('cdk/create-infra-deps.ts', async (t) => {
  t.test('wires STS, CloudFormation, the CDK binary in the package directory and file reading', async (t) => {
    const dir = t.testdir({});
    writeFileSync(join(dir, 'outputs.json'), '{"a":{}}');
    const stdout = new PassThrough();
    // Node stands in for the cdk binary.
    const deps = createInfraDeps({ env: {}, stdin: new PassThrough(), stdout, stderr: stdout }, dir, process.execPath);
    t.equal(await deps.sts().config.region(), project.aws.region);
    t.equal(await deps.cloudFormation().config.region(), project.aws.region);
    t.equal(await deps.runCdk(['-e', `process.exit(process.cwd() === ${JSON.stringify(dir)} ? 0 : 5)`]), 0);
    t.equal(await deps.readFile(join(dir, 'outputs.json')), '{"a":{}}');
    t.equal(deps.packageDir, dir);
    t.equal(deps.stdout, stdout);
    t.equal(deps.confirm('Delete?'), undefined, 'no terminal: nobody to ask');
  });

  t.test('at a terminal, y or yes confirms and anything else declines', async (t) => {
    for (const [typed, expected] of [
      ['y\n', true],
      ['YES\n', true],
      ['\n', false],
      ['no\n', false],
    ] as const) {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      const stdout = new PassThrough();
      const answer = terminalConfirm({ stdin, stdout })('Delete? [y/N] ');
      stdin.end(typed);
      t.equal(await answer, expected, JSON.stringify(typed));
    }
    const closed = Object.assign(new PassThrough(), { isTTY: true });
    const answer = terminalConfirm({ stdin: closed, stdout: new PassThrough() })('Delete? ');
    closed.end();
    t.equal(await answer, false, 'end of input (Ctrl-D) declines');
  });
});

t.test('cdk/print-stack-outputs.ts', async (t) => {
  t.test("aligns each stack's outputs under its name", (t) => {
    t.equal(
      formatStackOutputs({ a: { Url: 'https://x', LongerKey: 'v' } }),
      'a\n  Url        https://x\n  LongerKey  v\n',
    );
    t.equal(formatStackOutputs({}), '\n');
    t.end();
  });
});

t.test('cdk/run-cdk.ts', async (t) => {
  // Node stands in for the cdk binary: the exit code and the working directory are what matter.
  t.test('resolves with the exit code of the command, run in the given directory', async (t) => {
    const dir = t.testdir({});
    const script = `process.exit(process.cwd() === ${JSON.stringify(dir)} ? 3 : 9)`;
    t.equal(await runCdk(process.execPath, ['-e', script], dir), 3);
  });

  t.test('a command that cannot start is exit code 1', async (t) => {
    t.equal(await runCdk('/nonexistent/cdk', ['diff'], process.cwd()), 1);
  });

  t.test('a command killed by a signal is exit code 1', async (t) => {
    t.equal(await runCdk(process.execPath, ['-e', 'process.kill(process.pid, "SIGKILL")'], process.cwd()), 1);
  });
});

t.test('cdk/run-infra-command.ts', async (t) => {
  const OUTPUTS = '/pkg/cdk-outputs.json';
  // Stack names come from the settings, whatever project name the user chose.
  const FOUNDATION = foundationStackName(project);
  const STAGING = stageStackName(project, 'staging');
  const PROD = stageStackName(project, 'prod');

  function deps(options: { env?: Record<string, string>; code?: number; outputs?: string } = {}) {
    let out = '';
    let err = '';
    const runs: (readonly string[])[] = [];
    const d: InfraDeps = {
      sts: () => new STSClient({ region: project.aws.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      cloudFormation: () =>
        new CloudFormationClient({
          region: project.aws.region,
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
      runCdk: (args) => {
        runs.push(args);
        return Promise.resolve(options.code ?? 0);
      },
      confirm: () => undefined,
      deleteWaitSeconds: 60,
      readFile: (path) =>
        path === OUTPUTS && options.outputs !== undefined
          ? Promise.resolve(options.outputs)
          : Promise.reject(new Error(`ENOENT: ${path}`)),
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: options.env ?? {},
      packageDir: '/pkg',
    };
    return { d, runs, out: () => out, err: () => err };
  }

  function sts(t: Test, account = project.aws.account) {
    const mock = mockClient(STSClient);
    t.teardown(() => mock.restore());
    mock.on(GetCallerIdentityCommand).resolves({ Account: account, Arn: `arn:aws:iam::${account}:user/admin` });
    return mock;
  }

  t.test('diff checks the account, then diffs every stack (or the named ones)', async (t) => {
    sts(t);
    const all = deps();
    t.equal(await runInfraCommand(['diff'], all.d), 0);
    t.same(all.runs, [['diff']]);
    const named = deps({ code: 1 });
    t.equal(
      await runInfraCommand(['diff', STAGING, '--', '--context', 'x=y'], named.d),
      1,
      "cdk's exit code is passed on",
    );
    t.same(named.runs, [['diff', STAGING, '--context', 'x=y']]);
    // The pull-request role can only read: its diff must not create a change set.
    const readOnly = deps();
    t.equal(await runInfraCommand(['diff', '--no-change-set'], readOnly.d), 0);
    t.same(readOnly.runs, [['diff', '--no-change-set']]);
    const wrong = deps();
    t.equal(
      await runInfraCommand(['deploy', STAGING, '--no-change-set'], wrong.d),
      2,
      'deploy refuses the diff-only flag',
    );
    t.same(wrong.runs, []);
    t.match(wrong.err(), '--no-change-set goes with infra:diff only');
  });

  t.test('deploy writes an outputs file and prints the stack outputs', async (t) => {
    sts(t);
    const outputs = JSON.stringify({
      [STAGING]: { EndpointUrl: 'https://staging.example.com', DeploymentGroupName: 'staging' },
      [FOUNDATION]: {},
    });
    const run = deps({ outputs });
    t.equal(await runInfraCommand(['deploy', STAGING], run.d), 0);
    t.same(run.runs, [['deploy', STAGING, '--outputs-file', OUTPUTS]]);
    t.match(
      run.out(),
      `Stack outputs (also in ${OUTPUTS}):\n${STAGING}\n  EndpointUrl          https://staging.example.com\n  DeploymentGroupName  staging\n${FOUNDATION}\n  (no outputs)\n`,
    );
  });

  t.test('on CI deploy never waits for an approval prompt', async (t) => {
    sts(t);
    for (const env of [{ CI: 'true' }, { GITHUB_ACTIONS: 'true' }] as Record<string, string>[]) {
      const run = deps({ env, outputs: '{}' });
      t.equal(await runInfraCommand(['deploy', '--all'], run.d), 0);
      t.same(run.runs, [['deploy', '--all', '--outputs-file', OUTPUTS, '--require-approval', 'never']]);
    }
  });

  t.test('a failed deploy returns its code and prints no outputs; unreadable outputs are an error', async (t) => {
    sts(t);
    const failed = deps({ code: 1 });
    t.equal(await runInfraCommand(['deploy', PROD], failed.d), 1);
    t.notMatch(failed.out(), 'Stack outputs');
    const unreadable = deps();
    t.equal(await runInfraCommand(['deploy', PROD], unreadable.d), 1);
    t.match(unreadable.err(), `deployed, but cannot read the stack outputs from ${OUTPUTS}: ENOENT`);
  });

  t.test('the wrong account is refused with both accounts named, and cdk never runs', async (t) => {
    sts(t, '999988887777');
    const run = deps();
    t.equal(await runInfraCommand(['deploy', PROD], run.d), 1);
    t.match(run.err(), `wrong AWS account: expected ${project.aws.account}`);
    t.match(run.err(), 'found 999988887777');
    t.same(run.runs, []);
  });

  t.test('STS failures are explained: an expired token is invalid credentials, not a permission', async (t) => {
    const mock = sts(t);
    mock
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('expired'), { name: 'ExpiredToken', $metadata: { httpStatusCode: 400 } }));
    const run = deps();
    t.equal(await runInfraCommand(['diff'], run.d), 1);
    t.match(
      run.err(),
      /^error: invalid credentials: AWS rejected the credentials for sts:GetCallerIdentity \(expired, revoked or mistyped; not a permissions problem\)/,
    );
    t.match(run.err(), '(ExpiredToken: expired)');
  });

  t.test('usage errors say what is missing or wrong and what is allowed', async (t) => {
    const stacks = `${FOUNDATION}, ${STAGING}, ${PROD}`;
    const cases: [string[], string][] = [
      [
        [],
        'error: infra: no command given; the commands are diff, deploy and destroy (pnpm infra:diff, pnpm infra:deploy, pnpm infra:destroy)\n',
      ],
      [['remove'], 'error: infra: unknown command "remove"; the commands are diff, deploy and destroy'],
      [['deploy'], `error: infra:deploy: no stack given; name the stacks to deploy (${stacks}) or pass --all\n`],
      [['deploy', '--all', PROD], `error: infra:deploy: ${PROD} and --all: name stacks or pass --all, not both\n`],
      [['destroy', '--all'], 'error: infra:destroy takes no --all: name the stacks, one teardown step at a time'],
      [['destroy'], `error: infra:destroy: no stack given; name the stacks to delete (${stacks}, `],
      [['destroy', `${project.name}-qa`], `the stacks infra:destroy deletes are: ${stacks}, `],
      [['diff', `${project.name}-qa`], `unknown stack ${project.name}-qa; the stacks are: ${stacks}`],
      [
        ['diff', '--context', 'x=y'],
        `error: infra:diff: unknown option --context; the options are: --all, --no-change-set, --force, --verbose, --help; CDK options go after --, e.g. pnpm infra:diff <stack> -- --context key=value\n`,
      ],
    ];
    for (const [argv, message] of cases) {
      const run = deps();
      t.equal(await runInfraCommand(argv, run.d), 2, argv.join(' '));
      t.match(run.err(), message);
      t.ok(run.err().split('\n').length <= 3, 'a few lines');
      t.same(run.runs, []);
    }
  });

  t.test('--help explains both commands without calling AWS', async (t) => {
    for (const argv of [['--help'], ['deploy', '--help'], ['-h']]) {
      const run = deps();
      t.equal(await runInfraCommand(argv, run.d), 0);
      t.match(run.out(), 'Usage: pnpm infra:diff [<stack>...]');
      t.match(run.out(), 'pnpm infra:deploy <stack>... | --all');
      t.match(run.out(), 'pnpm infra:destroy <stack>... [--force]');
    }
  });

  t.test('--verbose goes to cdk too; a bug is one line, with its stack only when asked', async (t) => {
    sts(t);
    const verbose = deps();
    t.equal(await runInfraCommand(['diff', STAGING, '--verbose'], verbose.d), 0);
    t.same(verbose.runs, [['diff', STAGING, '--verbose']]);
    const bug = () => Promise.reject(new TypeError('bug'));
    const quiet = deps();
    t.equal(await runInfraCommand(['diff'], { ...quiet.d, runCdk: bug }), 1);
    t.equal(
      quiet.err(),
      'unexpected error: TypeError: bug\n(a bug: run again with --verbose or DEBUG=1 for the stack trace)\n',
    );
    const debug = deps({ env: { DEBUG: '1' } });
    t.equal(await runInfraCommand(['diff'], { ...debug.d, runCdk: bug }), 1);
    t.match(debug.err(), /^unexpected error: TypeError: bug\n\s+at /);
  });

  t.test('destroy checks the account, then deletes the named stacks through the teardown', async (t) => {
    sts(t);
    const cfn = mockClient(CloudFormationClient);
    t.teardown(() => cfn.restore());
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: PROD, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
    const run = deps();
    t.equal(await runInfraCommand(['destroy', PROD, '--force'], run.d), 0);
    t.same(run.runs, [['destroy', PROD, '--force']]);
    const wrong = deps();
    t.equal(await runInfraCommand(['deploy', PROD, '--force'], wrong.d), 2, 'deploy refuses the destroy-only flag');
    t.match(wrong.err(), '--force goes with infra:destroy only');
  });
});
