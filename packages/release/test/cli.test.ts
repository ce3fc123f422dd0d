import t, { type Test } from 'tap';

// The real entry, in this process (a child would be traced by coverage without source maps):
// argv in, output on the real streams, the exit code on process.exitCode.
async function runCli(
  t: Test,
  args: string[],
  load: () => Promise<unknown>,
): Promise<{ out: string; err: string; code: typeof process.exitCode }> {
  const argv = process.argv;
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const seen = { out: '', err: '' };
  process.argv = [argv[0] ?? 'node', 'cli.ts', ...args];
  process.stdout.write = (chunk: string | Uint8Array) => ((seen.out += String(chunk)), true);
  process.stderr.write = (chunk: string | Uint8Array) => ((seen.err += String(chunk)), true);
  try {
    await load();
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.argv = argv;
  }
  const code = process.exitCode;
  process.exitCode = 0;
  t.teardown(() => void (process.exitCode = 0));
  return { ...seen, code };
}

t.test('the entry runs the command line it is given', async (t) => {
  const { out, code } = await runCli(t, ['names', '--stage', 'staging'], () => import('../src/cli.ts'));
  t.equal(code, 0);
  t.match(
    out,
    /^region=eu-central-1\naccount=\d{12}\nrole-arn=arn:aws:iam::\d{12}:role\/hello-github-deploy-staging\n/,
  );
});
