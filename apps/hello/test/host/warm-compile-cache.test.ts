// warmCompileCache with a shell script standing in for Node: it writes what Node would (a
// subdirectory named after its uid) wherever NODE_COMPILE_CACHE points. The real bundle and Node
// are in test/scripts/bundle-code.test.ts and test/deploy/compile-cache.test.ts.
import t from 'tap';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPILE_CACHE_ONLY_ENV } from '@hello/config/constants';
import { warmCompileCache } from '../../host/warm-compile-cache.ts';

const me = { uid: process.getuid!(), gid: process.getgid!() };

/**
 * A directory others can traverse (the root-only test runs the script as another user; a CI
 * checkout under /home/runner is closed to them, so not t.testdir()).
 */
function openDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warm-test-'));
  chmodSync(dir, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function script(dir: string, body: string): string {
  const file = join(dir, 'fake-node.sh');
  writeFileSync(file, `set -e\n${body}\n`, { mode: 0o755 });
  return file;
}

const WRITES =
  'mkdir "$NODE_COMPILE_CACHE/tag-$(id -u)"; printf "%s %s" "$HELLO_TEST" "$' +
  COMPILE_CACHE_ONLY_ENV +
  '" > "$NODE_COMPILE_CACHE/tag-$(id -u)/entry"';

t.test('fills the cache with what the command wrote, readable by all, writable by this process only', async (t) => {
  const dir = openDir();
  const cache = join(dir, 'compile-cache');
  mkdirSync(join(cache, 'v0-stale'), { recursive: true });
  mkdirSync(`${cache}.new`); // left by an interrupted run
  const scratchParent = openDir();
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = scratchParent; // os.tmpdir(), where the scratch directory goes
  const files = warmCompileCache({
    command: {
      bin: '/bin/sh',
      args: [script(dir, WRITES)],
      env: { NODE_COMPILE_CACHE: cache, HELLO_TEST: 'from-unit' },
    },
    ...me,
  });
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  t.same(files, [`tag-${me.uid}/entry`]);
  t.equal(
    readFileSync(join(cache, files[0]!), 'utf8'),
    'from-unit 1',
    "the unit's environment, and the guard variable set",
  );
  t.same(readdirSync(cache), [`tag-${me.uid}`], 'the old cache is replaced, not merged');
  t.notOk(existsSync(`${cache}.new`));
  t.same(readdirSync(scratchParent), [], 'the scratch directory is gone');
  for (const [path, mode] of [
    [cache, 0o755],
    [join(cache, `tag-${me.uid}`), 0o755],
    [join(cache, files[0]!), 0o644],
  ] as const) {
    const stat = statSync(path);
    t.equal(stat.mode & 0o777, mode, path);
    t.equal(stat.uid, me.uid, `${path} belongs to this process`);
  }
});

t.test("whatever Node's layout, directories and files are copied", async (t) => {
  const dir = openDir();
  const cache = join(dir, 'cc');
  const files = warmCompileCache({
    command: {
      bin: '/bin/sh',
      args: [
        script(
          dir,
          ': > "$NODE_COMPILE_CACHE/top"; mkdir -p "$NODE_COMPILE_CACHE/a/b"; : > "$NODE_COMPILE_CACHE/a/b/deep"',
        ),
      ],
      env: { NODE_COMPILE_CACHE: cache },
    },
    ...me,
  });
  t.same(files, ['a/b/deep', 'top']);
  t.equal(statSync(join(cache, 'a/b')).mode & 0o777, 0o755);
});

t.test('a command that writes no cache leaves an empty one', async (t) => {
  const dir = openDir();
  const cache = join(dir, 'cc');
  t.same(
    warmCompileCache({
      command: { bin: '/bin/sh', args: [script(dir, 'true')], env: { NODE_COMPILE_CACHE: cache } },
      ...me,
    }),
    [],
  );
  t.same(readdirSync(cache), []);
});

t.test('failures name the command and what went wrong, and leave the old cache alone', async (t) => {
  const dir = openDir();
  const cache = join(dir, 'cc');
  mkdirSync(join(cache, 'kept'), { recursive: true });
  const run = (body: string, timeoutMs?: number) => () =>
    warmCompileCache({
      command: { bin: '/bin/sh', args: [script(dir, body)], env: { NODE_COMPILE_CACHE: cache } },
      ...me,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  t.throws(run('echo "no TLS" >&2; exit 3'), /\/bin\/sh .*fake-node\.sh exited with 3: no TLS/);
  t.throws(run('kill -TERM $$'), /exited with SIGTERM/);
  t.throws(
    run('sleep 5', 300),
    new RegExp(`did not exit within 300 ms with ${COMPILE_CACHE_ONLY_ENV}=1: does the bundle start with its guard`),
  );
  // Only directories and regular files are copied; a link could make root copy a file only root may read.
  t.throws(
    run('ln -s /root "$NODE_COMPILE_CACHE/tag"'),
    /the warm-up left tag, which is neither a directory nor a regular file/,
  );
  t.throws(
    run('mkdir "$NODE_COMPILE_CACHE/tag"; ln -s /etc/shadow "$NODE_COMPILE_CACHE/tag/entry"'),
    /the warm-up left tag\/entry, which is neither a directory nor a regular file/,
  );
  t.throws(
    () =>
      warmCompileCache({ command: { bin: join(dir, 'missing'), args: [], env: { NODE_COMPILE_CACHE: cache } }, ...me }),
    /missing: spawnSync .* ENOENT/,
  );
  t.throws(
    () => warmCompileCache({ command: { bin: '/bin/true', args: [], env: {} }, ...me }),
    /the unit sets no NODE_COMPILE_CACHE/,
  );
  t.same(readdirSync(dir).sort(), ['cc', 'fake-node.sh'], 'no half-copied cache left behind');
  t.same(readdirSync(cache), ['kept']);
});

t.test(
  "runs the command as the given user; what it wrote becomes this process's",
  { skip: me.uid === 0 ? false : 'switching users needs root' },
  async (t) => {
    const dir = openDir();
    const cache = join(dir, 'cc');
    const files = warmCompileCache({
      command: { bin: '/bin/sh', args: [script(dir, WRITES)], env: { NODE_COMPILE_CACHE: cache } },
      uid: 65534,
      gid: 65534,
    });
    t.same(files, ['tag-65534/entry'], 'named after the uid the service runs as');
    t.equal(statSync(join(cache, files[0]!)).uid, 0, 'owned by root, not by the user who wrote it');
  },
);
