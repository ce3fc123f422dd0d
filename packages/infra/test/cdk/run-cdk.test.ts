import t from 'tap';
import { runCdk } from '../../src/cdk/run-cdk.ts';

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
