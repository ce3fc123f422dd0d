// Keeps the newest few release directories for a fast rollback and removes the rest; the
// release being installed is always kept, whatever its age. Half-copied `.<version>.<pid>`
// directories left by an interrupted install go too (hooks never run concurrently).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Removes all but the `keep` most recently used releases; returns the removed names. */
export function pruneReleases(releasesDir: string, keep: number, protect: string): string[] {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new Error(`keep ${JSON.stringify(keep)} is not allowed; expected a whole number >= 1`);
  }
  const dirs = readdirSync(releasesDir, { withFileTypes: true }).filter((e) => e.isDirectory());
  const leftovers = dirs.filter((e) => e.name.startsWith('.')).map((e) => e.name);
  const releases = dirs
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => ({ name: e.name, used: statSync(join(releasesDir, e.name)).mtimeMs }))
    .sort((a, b) => b.used - a.used || a.name.localeCompare(b.name));
  const kept = new Set([
    protect,
    ...releases
      .map((r) => r.name)
      .filter((n) => n !== protect)
      .slice(0, keep - 1),
  ]);
  const removed = [...leftovers, ...releases.map((r) => r.name).filter((n) => !kept.has(n))];
  for (const name of removed) rmSync(join(releasesDir, name), { recursive: true, force: true });
  return removed;
}
