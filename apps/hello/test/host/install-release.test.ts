import t from 'tap';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installRelease, releaseMismatches } from '../../host/install-release.ts';
import { sha256 } from '../../host/release-manifest.ts';

function revision(dir: string, version: string, files: Record<string, string>, mode = 0o644): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text, { mode });
  }
  const manifest = { version, files: Object.fromEntries(Object.entries(files).map(([p, text]) => [p, sha256(text)])) };
  writeFileSync(join(dir, 'release.json'), JSON.stringify(manifest));
}

t.test('copies exactly the listed files, verified, into releases/<version>', async (t) => {
  const root = t.testdir({ releases: {} });
  const incoming = join(root, 'incoming');
  revision(incoming, 'v1', { 'app/server.mjs': 'code', 'hooks/a.sh': 'echo' });
  writeFileSync(join(incoming, 'stale.txt'), 'left over from an older revision');
  const dir = installRelease(incoming, join(root, 'releases'), 'v1');
  t.equal(dir, join(root, 'releases', 'v1'));
  t.equal(readFileSync(join(dir, 'app/server.mjs'), 'utf8'), 'code');
  t.ok(existsSync(join(dir, 'release.json')));
  t.notOk(existsSync(join(dir, 'stale.txt')), 'files release.json does not list stay behind');
  t.same(releaseMismatches(dir), []);
});

t.test('keeps the executable bit of scripts', async (t) => {
  const root = t.testdir({ releases: {} });
  revision(join(root, 'in'), 'v1', { 'hooks/a.sh': 'echo' }, 0o755);
  const dir = installRelease(join(root, 'in'), join(root, 'releases'), 'v1');
  t.equal(statSync(join(dir, 'hooks/a.sh')).mode & 0o777, 0o755);
});

t.test('reuses an intact copy and replaces a damaged one', async (t) => {
  const root = t.testdir({ releases: {} });
  const incoming = join(root, 'in');
  revision(incoming, 'v1', { 'a.txt': 'one' });
  const dir = installRelease(incoming, join(root, 'releases'), 'v1');
  const old = new Date('2020-01-01T00:00:00Z');
  // AfterInstall adds the compile cache to the release: files release.json does not list.
  mkdirSync(join(dir, 'compile-cache', 'v24-tag'), { recursive: true });
  writeFileSync(join(dir, 'compile-cache', 'v24-tag', 'entry'), 'cache');
  utimesSync(dir, old, old);
  installRelease(incoming, join(root, 'releases'), 'v1');
  t.ok(statSync(dir).mtimeMs > old.getTime(), 'reuse marks the release as recently used');
  t.ok(existsSync(join(dir, 'compile-cache', 'v24-tag', 'entry')), 'an extra directory does not make the copy damaged');
  writeFileSync(join(dir, 'a.txt'), 'tampered');
  t.same(releaseMismatches(dir), ['a.txt']);
  installRelease(incoming, join(root, 'releases'), 'v1');
  t.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'one');
});

t.test('refuses a revision that does not match its manifest or the deployment', async (t) => {
  const root = t.testdir({ releases: {} });
  const incoming = join(root, 'in');
  revision(incoming, 'v1', { 'a.txt': 'one', 'b.txt': 'two' });
  t.throws(() => installRelease(incoming, join(root, 'releases'), 'v2'), /holds release v1, but this deployment is v2/);
  writeFileSync(join(incoming, 'a.txt'), 'corrupt');
  t.throws(() => installRelease(incoming, join(root, 'releases'), 'v1'), /checksum mismatch in .* for: a\.txt/);
  t.notOk(existsSync(join(root, 'releases', 'v1')), 'nothing half-installed');
});
