import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { BUNDLE_FILE, bundleInputs, ensureBundle, main, staleReason } from '../../scripts/build-bundle.mjs';

/** Runs a bundle with plain node, outside coverage (a bundle has no source map to map back). */
function run(file: string, args: string[]) {
  const env = { ...process.env, NODE_V8_COVERAGE: undefined, INIT_CWD: undefined };
  return spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', env, cwd: tmpdir() });
}

t.test('the inputs are the sources of this package, the settings and cli-kit, the manifest and the lock file', (t) => {
  const inputs = bundleInputs();
  for (const end of [
    '/packages/release/src/cli.ts',
    '/packages/release/src/aws/aws-clients.ts',
    '/packages/config/src/project.ts',
    '/packages/cli-kit/src/cli-error.ts',
    '/packages/release/package.json',
    '/pnpm-lock.yaml',
  ]) {
    t.ok(
      inputs.some((f) => f.endsWith(end)),
      end,
    );
  }
  t.ok(inputs.every((f) => statSync(f).isFile()));
  t.end();
});

t.test('stale when missing or older than an input, fresh otherwise', (t) => {
  const dir = t.testdir({ 'bundle.mjs': '', 'a.ts': '', 'b.ts': '' });
  const [bundle, a, b] = ['bundle.mjs', 'a.ts', 'b.ts'].map((f) => join(dir, f)) as [string, string, string];
  utimesSync(a, 1000, 1000);
  utimesSync(b, 2000, 2000);
  utimesSync(bundle, 3000, 3000);
  t.equal(staleReason(bundle, [a, b]), undefined);
  t.equal(staleReason(join(dir, 'missing.mjs'), [a]), 'not built yet');
  utimesSync(b, 4000, 4000);
  t.match(staleReason(bundle, [a, b]), /b\.ts changed$/);
  t.equal(staleReason(bundle, [a, join(dir, 'deleted.ts')]), undefined, 'a deleted input does not count');
  t.end();
});

t.test('builds one file that runs on plain node, away from node_modules, and only when stale', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'release-bundle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bundleFile = join(dir, 'release.mjs');
  const input = join(dir, 'input.ts');
  writeFileSync(input, '');
  let err = '';
  const stderr = { write: (s: string) => (err += s) };
  t.equal(await ensureBundle({ bundleFile, inputs: [input], stderr }), bundleFile);
  t.match(err, /^release: building .*release\.mjs \(not built yet\) \.\.\.\n$/, 'one line on stderr');
  const built = statSync(bundleFile).mtimeMs;
  err = '';
  await ensureBundle({ bundleFile, inputs: [input], stderr });
  t.equal(err, '', 'a fresh bundle is not rebuilt');
  t.equal(statSync(bundleFile).mtimeMs, built);

  const help = run(bundleFile, ['--help']);
  t.equal(help.status, 0);
  t.match(help.stdout, /^Usage: pnpm release <command>/);
  const names = run(bundleFile, ['names', '--pull-request']);
  t.equal(names.status, 0);
  // The bundle carries packages/config/src/project.ts, not the tests' fixture project.
  t.match(
    names.stdout,
    /^region=[a-z]{2}(-[a-z]+)+-\d\nrole-arn=arn:aws[a-z-]*:iam::\d{12}:role\//,
    'the settings are bundled in',
  );
});

t.test('`pnpm build` always builds and names the file and its size', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'release-build-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let out = '';
  await main({ write: (s: string) => (out += s) }, join(dir, 'release.mjs'));
  t.match(out, /^built .*release\.mjs \(\d+ KiB\)\n$/);
  t.equal(
    BUNDLE_FILE,
    join(import.meta.dirname, '..', '..', 'dist', 'release.mjs'),
    'the default output is dist/release.mjs',
  );
});
