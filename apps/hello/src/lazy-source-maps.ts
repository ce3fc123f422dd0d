// Source-mapped stack traces for the bundled server at no start-up cost. `--enable-source-maps`
// parses the ~1 MB map of app/server.mjs at every start (~150 ms of cold start); this parses it
// the first time a stack trace is formatted, with Node's own source-map reader (module.SourceMap).
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

type Frame = NodeJS.CallSite;

function header(error: unknown): string {
  try {
    return String(error);
  } catch {
    return 'Error';
  }
}

/**
 * Installs Error.prepareStackTrace for frames of `bundleUrl`, mapped through `<bundle>.map`.
 * Does nothing (returns false) when there is no map next to the file or Node maps sources
 * itself (--enable-source-maps).
 */
export function installLazySourceMaps(bundleUrl: string): boolean {
  const file = fileURLToPath(bundleUrl);
  const mapFile = `${file}.map`;
  if (process.sourceMapsEnabled || !existsSync(mapFile)) return false;
  let map: SourceMap | null | undefined;
  const mapped = (frame: Frame): string | undefined => {
    const name = frame.getFileName();
    if (name !== file && name !== bundleUrl) return undefined;
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = null; // an unreadable map: plain bundle frames
      }
    }
    const entry = map?.findEntry(Number(frame.getLineNumber()) - 1, Number(frame.getColumnNumber()) - 1);
    if (entry === undefined || !('originalSource' in entry)) return undefined;
    const where = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    const fn = frame.getFunctionName();
    return fn ? `${fn} (${where})` : where;
  };
  Error.prepareStackTrace = (error: Error, frames: Frame[]) =>
    // V8's CallSite has a toString() (its usual frame text); Node's typings do not declare it.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    [header(error), ...frames.map((frame) => `    at ${mapped(frame) ?? String(frame)}`)].join('\n');
  return true;
}
