#!/usr/bin/env node
// `pnpm release`: runs the bundled CLI, building it first when it is missing or older than its
// sources (a fresh clone, a pull, an edit), so no command depends on an earlier build step.
import { pathToFileURL } from 'node:url';
import { ensureBundle } from '../scripts/build-bundle.mjs';

await import(pathToFileURL(await ensureBundle()).href);
