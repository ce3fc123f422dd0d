// A reproducible zip: entries sorted by path, one fixed timestamp, fixed Unix modes and a fixed
// compression level, so the same files always give the same bytes (and the same sha256).
import { zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
  readonly mode: 0o644 | 0o755;
}

const UNIX = 3;
const REGULAR_FILE = 0o100000;
/** Zip stores local wall-clock time without a zone and nothing before 1980. */
const EARLIEST = Date.UTC(1980, 0, 1, 0, 0, 2);

/** A Date whose local fields equal `time`'s UTC fields, so the zip is the same in every time zone. */
function zoneFree(time: Date): Date {
  const t = new Date(Math.max(time.getTime(), EARLIEST));
  return new Date(
    t.getUTCFullYear(),
    t.getUTCMonth(),
    t.getUTCDate(),
    t.getUTCHours(),
    t.getUTCMinutes(),
    t.getUTCSeconds(),
  );
}

export function zipFiles(entries: readonly ZipEntry[], time: Date): Uint8Array {
  const mtime = zoneFree(time);
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files: Zippable = {};
  for (const e of sorted) {
    if (e.path in files) throw new Error(`zip: ${e.path} appears twice`);
    files[e.path] = [e.data, { level: 9, mtime, os: UNIX, attrs: ((REGULAR_FILE | e.mode) << 16) >>> 0 }];
  }
  return zipSync(files);
}
