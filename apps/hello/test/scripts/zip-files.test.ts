import t from 'tap';
import { unzipSync } from 'fflate';
import { zipFiles } from '../../scripts/zip-files.ts';
import { zipEntries } from './zip-entries.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const time = new Date('2026-03-04T05:06:08Z');

t.test('same files in any order give the same bytes', async (t) => {
  const a = zipFiles(
    [
      { path: 'b.sh', data: text('echo'), mode: 0o755 },
      { path: 'a.txt', data: text('a'), mode: 0o644 },
    ],
    time,
  );
  const b = zipFiles(
    [
      { path: 'a.txt', data: text('a'), mode: 0o644 },
      { path: 'b.sh', data: text('echo'), mode: 0o755 },
    ],
    time,
  );
  t.same(Buffer.from(a), Buffer.from(b));
  t.same(Object.keys(unzipSync(a)), ['a.txt', 'b.sh'], 'entries sorted by path');
});

t.test('Unix modes and a time-zone-free timestamp', async (t) => {
  const zip = zipFiles(
    [
      { path: 'x.sh', data: text('x'), mode: 0o755 },
      { path: 'y', data: text('y'), mode: 0o644 },
    ],
    time,
  );
  const [x, y] = zipEntries(zip);
  t.equal(x!.os, 3, 'made on Unix, so unzip honours the mode');
  t.equal(x!.mode, 0o100755);
  t.equal(y!.mode, 0o100644);
  // DOS time holds the UTC wall clock: 05:06:08 on 2026-03-04 whatever TZ this runs in.
  t.equal(x!.dosTime, (5 << 11) | (6 << 5) | (8 / 2));
  t.equal(x!.dosDate, ((2026 - 1980) << 9) | (3 << 5) | 4);
});

t.test('times before 1980 are clamped; duplicate paths are refused', async (t) => {
  const [e] = zipEntries(zipFiles([{ path: 'a', data: text('a'), mode: 0o644 }], new Date(0)));
  t.equal(e!.dosDate, (0 << 9) | (1 << 5) | 1);
  t.throws(
    () =>
      zipFiles(
        [
          { path: 'a', data: text('1'), mode: 0o644 },
          { path: 'a', data: text('2'), mode: 0o644 },
        ],
        time,
      ),
    /zip: a appears twice/,
  );
});
