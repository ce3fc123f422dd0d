// The service's pino logger: JSON lines to stdout in production, pretty on a developer's terminal.
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Never logged, whichever object (request, headers, error) carries them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
] as const;

/**
 * Log characters pino's destination gathers before it writes (its `minLength`): under load one
 * write carries dozens of lines instead of one.
 */
export const LOG_BATCH_BYTES = 8192;

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

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } };
}

export const importPretty = async (): Promise<PrettyFactory> => (await import('pino-pretty')).default;

/**
 * stdout through pino's own destination (sonic-boom), synchronous and batched: each batch of
 * LOG_BATCH_BYTES is one write to the page cache (as Node writes process.stdout to a file), with
 * no thread-pool round trip per line. sonic-boom writes the batch at least every
 * LOG_FLUSH_INTERVAL_MS (`periodicFlush`); a synchronous destination gets no exit hook from pino,
 * so the last lines are written on 'exit' here (close-with-grace, a fatal error and the end of
 * the event loop all emit it).
 */
export function stdoutDestination(): DestinationStream {
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: LOG_BATCH_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  process.once('exit', () => destination.flushSync());
  return destination;
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
