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

/** Log bytes gathered before a write: under load one write carries a dozen lines, not one. */
export const LOG_BUFFER_BYTES = 4096;

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
 * stdout, written asynchronously in chunks of LOG_BUFFER_BYTES and at least every
 * LOG_FLUSH_INTERVAL_MS. pino flushes what is left synchronously when the process exits.
 */
export function stdoutDestination(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  setInterval(() => destination.flush(), LOG_FLUSH_INTERVAL_MS).unref();
  return destination;
}

/** Builds the logger. Pretty output is in-process (no transport worker: the bundle is one file). */
export async function createLogger(settings: LoggerSettings): Promise<Logger> {
  const options = loggerOptions(settings.level);
  if (settings.pretty) {
    try {
      const pretty = await (settings.loadPretty ?? importPretty)();
      const destination = settings.destination ?? 1;
      return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination }));
    } catch {
      // Production installs have no pino-pretty; JSON on a terminal is still readable.
    }
  }
  return pino(options, settings.destination ?? stdoutDestination());
}
