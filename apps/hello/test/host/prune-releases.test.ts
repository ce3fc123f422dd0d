import t from 'tap';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneReleases } from '../../host/prune-releases.ts';

function releases(dir: string, ages: Record<string, number>): string {
  for (const [name, age] of Object.entries(ages)) {
    mkdirSync(join(dir, name));
    const when = new Date(Date.now() - age * 1000);
    utimesSync(join(dir, name), when, when);
  }
  return dir;
}

t.test('keeps the newest releases and the protected one', async (t) => {
  const dir = releases(mkdtempSync(join(tmpdir(), 'prune-')), {
    old: 400,
    older: 500,
    new: 10,
    newer: 5,
    current: 900,
    '.v9.123': 1,
  });
  // A release's compile cache (read-only files) goes with it.
  mkdirSync(join(dir, 'old', 'compile-cache', 'tag'), { recursive: true });
  writeFileSync(join(dir, 'old', 'compile-cache', 'tag', 'entry'), '', { mode: 0o444 });
  utimesSync(join(dir, 'old'), new Date(Date.now() - 400_000), new Date(Date.now() - 400_000));
  const removed = pruneReleases(dir, 3, 'current');
  t.same(removed.sort(), ['.v9.123', 'old', 'older']);
  t.same(readdirSync(dir).sort(), ['current', 'new', 'newer']);
});

t.test('keep=1 leaves only the protected release; ties break by name', async (t) => {
  const dir = releases(mkdtempSync(join(tmpdir(), 'prune-')), { b: 0, a: 0 });
  t.same(pruneReleases(dir, 1, 'b'), ['a']);
  const tie = releases(mkdtempSync(join(tmpdir(), 'prune-')), { y: 0, x: 0, z: 0 });
  utimesSync(join(tie, 'x'), new Date(1000), new Date(1000));
  utimesSync(join(tie, 'y'), new Date(1000), new Date(1000));
  utimesSync(join(tie, 'z'), new Date(1000), new Date(1000));
  t.same(pruneReleases(tie, 2, 'z'), ['y']);
});

t.test('refuses a nonsensical keep', async (t) => {
  t.throws(() => pruneReleases(t.testdir({}), 0, 'x'), /keep 0 is not allowed; expected a whole number >= 1/);
});
