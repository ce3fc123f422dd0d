// The "request completed" line, written without pino's generic object serializer: it is the one
// line the service writes for every request, and its fields are always the same five. The text is
// exactly what logger.info(fields, 'request completed') writes (test/request-log-line.test.ts
// compares them), built from the logger's own pieces (pino.symbols: level prefix, time, bindings,
// line end), so the level, timestamp and pid/hostname stay pino's.
import { pino, type Logger } from 'pino';

export const REQUEST_COMPLETED = 'request completed';

export interface RequestLogFields {
  readonly reqId: string;
  readonly method: string;
  readonly url: string;
  readonly statusCode: number;
  /** Finite milliseconds. */
  readonly responseTime: number;
}

export type RequestLineWriter = (fields: RequestLogFields) => void;

const FIELD_NAMES: readonly (keyof RequestLogFields)[] = ['reqId', 'method', 'url', 'statusCode', 'responseTime'];
const {
  lsCacheSym,
  timeSym,
  chindingsSym,
  endSym,
  streamSym,
  needsMetadataGsym,
  mixinSym,
  hooksSym,
  formattersSym,
  messageKeySym,
  nestedKeySym,
  serializersSym,
  stringifiersSym,
  wildcardFirstSym,
} = pino.symbols;

type Internals = Record<symbol, unknown>;

// What JSON.stringify would escape in a string: C0 controls, the quote, the backslash and UTF-16
// surrogates (escaped when unpaired). The same test safe-stable-stringify, pino's serializer, makes.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** JSON.stringify(text), without its cost (~150 ns each on Node 20) when nothing needs escaping. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** What the writer needs of a logger: info() for the fallback; the rest is checked at run time. */
export type LineLogger = Pick<Logger, 'info'>;

/**
 * True when logger.info() would write the fields as plain JSON: a pino logger whose stream takes
 * strings without metadata (not a multistream), with no mixin, log formatter, write hook, nested
 * key, redaction or serializer touching these fields, and the default message key.
 */
export function writesPlainLines(logger: LineLogger): boolean {
  const internals = logger as unknown as Internals;
  const stream = internals[streamSym] as (Internals & { write?: unknown }) | undefined;
  const serializers = (internals[serializersSym] ?? {}) as Record<string, unknown>;
  // Redaction works through per-key stringifiers (and one for wildcard paths).
  const stringifiers = (internals[stringifiersSym] ?? {}) as Record<string | symbol, unknown>;
  return (
    typeof stream?.write === 'function' &&
    typeof (logger as Partial<Logger>).levels?.values.info === 'number' &&
    stream[needsMetadataGsym] !== true &&
    typeof internals[timeSym] === 'function' &&
    internals[mixinSym] === undefined &&
    (internals[formattersSym] as { log?: unknown } | undefined)?.log === undefined &&
    (internals[hooksSym] as { streamWrite?: unknown } | undefined)?.streamWrite === undefined &&
    internals[messageKeySym] === 'msg' &&
    internals[nestedKeySym] == null &&
    stringifiers[wildcardFirstSym] === undefined &&
    FIELD_NAMES.every((name) => serializers[name] === undefined && stringifiers[name] === undefined)
  );
}

/** A writer for `logger`, or logger.info() itself when the logger is not a plain pino logger. */
export function requestLineWriter(lineLogger: LineLogger): RequestLineWriter {
  if (!writesPlainLines(lineLogger)) return (fields) => lineLogger.info(fields, REQUEST_COMPLETED);
  const logger = lineLogger as Logger;
  const internals = logger as unknown as Internals;
  const stream = internals[streamSym] as { write(line: string): unknown };
  const time = internals[timeSym] as () => string;
  const end = internals[endSym] as string;
  const infoLevel = logger.levels.values.info!;
  return (f) => {
    if (!logger.isLevelEnabled('info')) return;
    // Bindings and the level prefix are read per line: pino updates them when the level changes.
    const prefix = (internals[lsCacheSym] as Record<number, string>)[infoLevel];
    stream.write(
      `${prefix}${time()}${internals[chindingsSym] as string},"reqId":${jsonString(f.reqId)},"method":${jsonString(f.method)}` +
        `,"url":${jsonString(f.url)},"statusCode":${f.statusCode},"responseTime":${f.responseTime},"msg":"${REQUEST_COMPLETED}"${end}`,
    );
  };
}
