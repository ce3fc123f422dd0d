// What happens on SIGTERM/SIGINT (or a crash): log why, drain the connections (health turns 503,
// replies close their connection), then close the app and every connection that carries no request.
import type { FastifyInstance } from 'fastify';
import type { ConnectionDrain } from './connection-drain.ts';

/** close-with-grace's callback argument. */
export interface ShutdownCause {
  readonly signal?: string;
  readonly err?: unknown;
}

/** How long busy keep-alive clients get to send their next request and read `Connection: close`. */
export const SHUTDOWN_LINGER_MS = 1000;

/** How often silent connections are looked for while the server closes. */
const SILENT_CHECK_MS = 100;

export interface ShutdownOptions {
  readonly graceMs: number;
  readonly drain: Pick<ConnectionDrain, 'drain' | 'closeSilent' | 'size'>;
  /** @default SHUTDOWN_LINGER_MS, or half the grace period when that is shorter */
  readonly lingerMs?: number;
}

export function shutdownHandler(app: Pick<FastifyInstance, 'log' | 'close'>, opts: ShutdownOptions) {
  return async ({ signal, err }: ShutdownCause): Promise<void> => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an unexpected error');
    else app.log.info({ signal, graceMs: opts.graceMs, connections: opts.drain.size }, 'shutting down');
    await opts.drain.drain(opts.lingerMs ?? Math.min(SHUTDOWN_LINGER_MS, opts.graceMs / 2));
    const closing = app.close();
    // server.close() stops accepting; a connection may still have been accepted just before it.
    opts.drain.closeSilent();
    const timer = setInterval(() => opts.drain.closeSilent(), SILENT_CHECK_MS);
    try {
      await closing;
    } finally {
      clearInterval(timer);
    }
  };
}
