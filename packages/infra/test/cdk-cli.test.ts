import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Not traced for coverage: tsx's transpiled lines would be merged with the in-process coverage.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_V8_COVERAGE' && k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS')));

// The real entry, as `pnpm infra:diff --help` runs it (no AWS call, no cdk run).
t.test('the entry prints its help and exits 0', (t) => {
  const result = spawnSync(`${packageDir}node_modules/.bin/tsx`, ['src/cdk-cli.ts', '--help'], { cwd: packageDir, encoding: 'utf8', timeout: 60_000, env });
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, 'Usage: pnpm infra:diff');
  t.end();
});

t.test('a wrong command line exits 2 before any AWS call', (t) => {
  const result = spawnSync(`${packageDir}node_modules/.bin/tsx`, ['src/cdk-cli.ts', 'deploy'], { cwd: packageDir, encoding: 'utf8', timeout: 60_000, env });
  t.equal(result.status, 2);
  t.match(result.stderr, 'infra:deploy needs the stacks to deploy');
  t.end();
});
