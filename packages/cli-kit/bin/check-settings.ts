// `pnpm check:settings <settings module>`: loads the settings (packages/config/src/project.ts, which
// validates itself while it loads) straight from TypeScript with Node's type stripping, so no build
// is needed. The root commands that read the settings run it first: a mistake is then reported in a
// few lines before turbo or a build prints anything. Silent when the settings are valid.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT, UsageError } from '../src/cli-error.ts';
import { withoutVerbose } from '../src/report-error.ts';
import { runEntry } from '../src/run-entry.ts';

process.exitCode = await runEntry(process, async () => {
  const [file, ...rest] = withoutVerbose(process.argv.slice(2));
  if (file === undefined || rest.length > 0)
    throw new UsageError('check-settings takes one argument, the settings module (packages/config/src/project.ts)');
  await import(pathToFileURL(resolve(file)).href);
  return () => Promise.resolve(EXIT.ok);
});
