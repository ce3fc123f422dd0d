// Entry of `pnpm release`: the real process, handed to runRelease.
import { createReleaseDeps } from './release-deps.js';
import { runRelease } from './run-release.js';

process.exitCode = await runRelease(process.argv.slice(2), createReleaseDeps(process));
