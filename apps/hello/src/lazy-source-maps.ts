// Source-mapped stack traces for the bundled server at no start-up cost. `--enable-source-maps`
// parses the ~1 MB map of app/server.mjs at every start (~150 ms of cold start); this parses it
// the first time a stack trace is formatted, with Node's own source-map reader (module.SourceMap).
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

type Frame = NodeJS.CallSite;

/** findEntry()'s result; `name` (the original identifier at that place) is missing from Node's typings. */
interface Entry {
  readonly originalSource?: string;
  readonly originalLine: number;
  readonly originalColumn: number;
  readonly name?: string;
}

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
  let lines: readonly string[] | undefined;
  const inBundle = (frame: Frame | undefined): boolean => {
    const name = frame?.getFileName();
    return name === file || name === bundleUrl;
  };
  const entryAt = (line: number, column: number): Entry | undefined => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = null; // an unreadable map: plain bundle frames
      }
    }
    if (map === null) return undefined;
    const entry = map.findEntry(line - 1, column - 1) as Entry | Record<string, never>;
    return 'originalSource' in entry ? (entry as Entry) : undefined;
  };
  // The bundle is minified without kept names, so a function's own name is a short alias. The
  // original is the map's name for that alias where the function is declared (V8 gives the start
  // of the enclosing function: `function e(` or `async function e(`), or else the map's name at the
  // call site in the next frame (as Node's --enable-source-maps does).
  const declaredName = (frame: Frame, alias: string): string | undefined => {
    const [line, column] = [Number(frame.getEnclosingLineNumber()), Number(frame.getEnclosingColumnNumber())];
    lines ??= readFileSync(file, 'utf8').split('\n');
    const header = /^(?:async\s*)?function\s*\*?\s*([\w$]+)/.exec(String(lines[line - 1]).slice(column - 1));
    return header?.[1] === alias ? entryAt(line, column + header[0].length - alias.length)?.name : undefined;
  };
  const originalName = (frames: readonly Frame[], index: number, alias: string): string => {
    const declared = declaredName(frames[index]!, alias);
    if (declared) return declared;
    const caller = frames[index + 1];
    return (
      (inBundle(caller)
        ? entryAt(Number(caller!.getLineNumber()), Number(caller!.getColumnNumber()))?.name
        : undefined) ?? alias
    );
  };
  const mapped = (frames: readonly Frame[], index: number): string | undefined => {
    const frame = frames[index]!;
    if (!inBundle(frame)) return undefined;
    const entry = entryAt(Number(frame.getLineNumber()), Number(frame.getColumnNumber()));
    if (entry === undefined) return undefined;
    const where = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    const alias = frame.getFunctionName();
    return alias ? `${originalName(frames, index, alias)} (${where})` : where;
  };
  Error.prepareStackTrace = (error: Error, frames: Frame[]) =>
    // V8's CallSite has a toString() (its usual frame text); Node's typings do not declare it.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    [header(error), ...frames.map((frame, index) => `    at ${mapped(frames, index) ?? String(frame)}`)].join('\n');
  return true;
}
