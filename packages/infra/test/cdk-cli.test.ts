import t from 'tap';

// The real entry, in this process: `pnpm infra:diff --help` needs no AWS call and runs no cdk.
t.test('the entry prints its help and exits 0', async (t) => {
  const argv = process.argv;
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.argv = [argv[0] ?? 'node', 'cdk-cli.ts', '--help'];
  process.stdout.write = (chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  };
  try {
    await import('../src/cdk-cli.ts');
  } finally {
    process.stdout.write = write;
    process.argv = argv;
  }
  t.equal(process.exitCode, 0);
  t.match(out, 'Usage: pnpm infra:diff');
});
