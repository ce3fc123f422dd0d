import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
// Not traced for coverage: tsx's transpiled lines would be merged with the in-process coverage.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_V8_COVERAGE' && k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS')));

// The real entry as `pnpm release` runs it: arguments arrive, output and exit codes leave.
t.test('names prints key=value lines and exits 0', (t) => {
  const result = spawnSync(`${packageDir}node_modules/.bin/tsx`, ['src/release/cli.ts', 'names', '--stage', 'staging'], { cwd: packageDir, encoding: 'utf8', timeout: 60_000, env });
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /^region=us-east-1\naccount=\d{12}\nrole-arn=arn:aws:iam::\d{12}:role\/hello-github-deploy-staging\n/);
  t.end();
});

t.test('a usage error exits 2 with the message on stderr', (t) => {
  const result = spawnSync(`${packageDir}node_modules/.bin/tsx`, ['src/release/cli.ts', 'deploy', '--stage', 'qa'], { cwd: packageDir, encoding: 'utf8', timeout: 60_000, env });
  t.equal(result.status, 2);
  t.equal(result.stdout, '');
  t.match(result.stderr, 'error: --stage "qa" is not a configured stage; the stages are: staging, prod');
  t.end();
});
