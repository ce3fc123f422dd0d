import t from 'tap';

// The real entry, in this process (a child would be traced by coverage without source maps):
// argv in, output on the real stdout, the exit code on process.exitCode.
t.test('the entry runs the command line it is given', async (t) => {
  const argv = process.argv;
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.argv = [argv[0] ?? 'node', 'cli.ts', 'names', '--stage', 'staging'];
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await import('../src/cli.js');
  } finally {
    process.stdout.write = write;
    process.argv = argv;
  }
  t.equal(process.exitCode, 0);
  t.match(out, /^region=eu-central-1\naccount=\d{12}\nrole-arn=arn:aws:iam::\d{12}:role\/hello-github-deploy-staging\n/);
});
