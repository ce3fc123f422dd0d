import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { project } from '@hello/config/project';
import t from 'tap';
import { createInfraDeps, terminalConfirm } from '../../src/cdk/create-infra-deps.ts';

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
