// The service's pino logger: JSON lines to stdout in production, pretty on a developer's terminal.
import { pino, type DestinationStream, type Logger, type LoggerOptions, type SerializedError } from 'pino';
import { BatchedDestination } from './batched-destination.ts';

/** Never logged, whichever object (request, headers, error) carries them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
] as const;

/** Log characters gathered before a write: under load one write carries about 70 lines, not one. */
export const LOG_BATCH_CHARS = 16384;

/** The longest a line waits in that buffer when traffic is light. */
export const LOG_FLUSH_INTERVAL_MS = 1000;

export interface LoggerSettings {
  readonly level: string;
  /** Human-readable output (stdout is a terminal). Falls back to JSON when pino-pretty is absent. */
  readonly pretty: boolean;
  /**
   * Where JSON lines go.
   * @default stdoutDestination()
   */
  readonly destination?: DestinationStream;
  /**
   * Loads pino-pretty, a dev dependency the release bundle leaves out.
   * @default a dynamic import of 'pino-pretty'
   */
  readonly loadPretty?: () => Promise<PrettyFactory>;
}

/** The part of pino-pretty's module the logger uses. */
export type PrettyFactory = (options: {
  colorize: boolean;
  translateTime: string;
  ignore: string;
  destination: number | DestinationStream;
}) => DestinationStream;

/**
 * pino's error serializer, with the error's own name as its type: pino takes the constructor's
 * name, which the minified release bundle shortens (it keeps no names, see scripts/bundle-code.ts);
 * err.name is the same in the sources and the bundle ('TypeError', 'FastifyError', ...).
 */
export function serializeError(error: Error): SerializedError {
  const serialized = pino.stdSerializers.err(error);
  if (typeof error.name === 'string' && error.name !== '') serialized.type = error.name;
  return serialized;
}

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' }, serializers: { err: serializeError } };
}

export const importPretty = async (): Promise<PrettyFactory> => (await import('pino-pretty')).default;

/**
 * stdout, in batches of LOG_BATCH_CHARS written at least every LOG_FLUSH_INTERVAL_MS and when the
 * process exits. Each batch is one synchronous write (as Node writes process.stdout to a file): one
 * ~16 KiB write to the page cache every ~70 requests, no thread-pool round trip per write, and no
 * lines left in memory when the process ends.
 */
export function stdoutDestination(): DestinationStream {
  return new BatchedDestination(pino.destination({ dest: 1, sync: true }), {
    batchChars: LOG_BATCH_CHARS,
    flushIntervalMs: LOG_FLUSH_INTERVAL_MS,
  });
}

/** Builds the logger. Pretty output is in-process (no transport worker: the bundle is one file). */
export async function createLogger(settings: LoggerSettings): Promise<Logger> {
  const options = loggerOptions(settings.level);
  if (settings.pretty) {
    try {
      const pretty = await (settings.loadPretty ?? importPretty)();
      const destination = settings.destination ?? 1;
      return pino(
        options,
        pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination }),
      );
    } catch {
      // Production installs have no pino-pretty; JSON on a terminal is still readable.
    }
  }
  return pino(options, settings.destination ?? stdoutDestination());
}
