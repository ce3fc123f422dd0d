// Entry of `pnpm release` and of the bundle the pipeline runs (`node release.mjs`).
import { announceNodeSupport } from './node-support.ts';
import { runEntry } from './run-entry.ts';

announceNodeSupport(process);

process.exitCode = await runEntry(process, async () => {
  const { createReleaseDeps } = await import('./release-deps.ts');
  const { runRelease } = await import('./run-release.ts');
  return (argv) => runRelease(argv, createReleaseDeps(process));
});
