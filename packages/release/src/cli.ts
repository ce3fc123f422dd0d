// Entry of `pnpm release` and of the bundle the pipeline runs (`node release.mjs`).
import { announceNodeSupport } from '@hello/cli-kit/node-support';
import { runEntry } from '@hello/cli-kit/run-entry';

announceNodeSupport(process);

process.exitCode = await runEntry(process, async () => {
  const { createReleaseDeps } = await import('./release-deps.ts');
  const { runRelease } = await import('./run-release.ts');
  return (argv) => runRelease(argv, createReleaseDeps(process));
});
