import t from 'tap';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageCli, type PackageCliContext } from '../../scripts/package-cli.ts';
import type { Git } from '../../scripts/release-version.ts';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = mkdtempSync(join(tmpdir(), 'package-cli-'));
t.teardown(() => rmSync(outDir, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string>, git: Git, over: Partial<PackageCliContext> = {}) {
  let out = '';
  let err = '';
  const code = await packageCli({
    argv,
    env,
    git,
    appDir,
    outDir,
    out: (s) => (out += s),
    err: (s) => (err += s),
    ...over,
  });
  return { code, out, err };
}
const cleanRepo: Git = (args) =>
  ({ 'rev-parse HEAD': 'cafe01', 'log -1 --format=%cI': '2026-01-01T00:00:00Z', 'status --porcelain': '' })[
    args.join(' ')
  ]!;

t.test('prints the path, size and sha256 of artifacts/hello-<version>.zip', async (t) => {
  const r = await run([], {}, cleanRepo);
  t.equal(r.code, 0);
  t.equal(r.err, '');
  const path = join(outDir, 'hello-cafe01.zip');
  t.match(r.out, `${path}\n  version cafe01 (from git HEAD), built at 2026-01-01T00:00:00.000Z\n`);
  t.match(r.out, /size {4}\d+ bytes \(\d+\.\d KiB; goal <= 1536 KiB\)/);
  t.match(r.out, /sha256 {2}[0-9a-f]{64}/);
  t.ok(existsSync(path));
});

t.test('warns about uncommitted changes and an oversized bundle', async (t) => {
  const dirty: Git = (args) => (args[0] === 'status' ? ' M src/app.ts' : cleanRepo(args));
  const r = await run([], {}, dirty, { sizeGoalBytes: 1 });
  t.equal(r.code, 0);
  t.match(r.err, /uncommitted changes; cafe01 names the last commit/);
  t.match(r.err, /over its 1 byte goal/);
  const flagged = await run(['--version', 'v7'], { SOURCE_DATE_EPOCH: '0' }, dirty);
  t.notMatch(flagged.err, /uncommitted/, 'an explicit version names what is packaged');
});

t.test('fails with one clear line', async (t) => {
  const r = await run(['--version', 'no spaces'], {}, cleanRepo);
  t.equal(r.code, 1);
  t.match(r.err, /^package: release version "no spaces" \(from --version\) is not allowed/);
  t.match((await run(['--frob'], {}, cleanRepo)).err, /^package: Unknown option '--frob'/);
});
