// Entry of `pnpm release` and of the bundle the pipeline runs (`node release.mjs`).
import { announceNodeSupport } from './node-support.js';
import { runEntry } from './run-entry.js';

announceNodeSupport(process);

process.exitCode = await runEntry(process, async () => {
  const { createReleaseDeps } = await import('./release-deps.js');
  const { runRelease } = await import('./run-release.js');
  return (argv) => runRelease(argv, createReleaseDeps(process));
});
