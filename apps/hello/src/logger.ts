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
 * stdout through pino's own destination (sonic-boom) with its defaults: asynchronous writes, so
 * a slow disk never stalls the event loop; lines that arrive while a write is under way go out
 * together in the next one, and pino writes what is left when the process exits.
 */
export const stdoutDestination = (): DestinationStream => pino.destination({ dest: 1 });

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
