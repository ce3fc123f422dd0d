// What happens on SIGTERM/SIGINT (or a crash): log why, drain the connections (health turns 503,
// replies close their connection, quiet connections are closed), then close the app.
import type { FastifyInstance } from 'fastify';
import type { ConnectionDrain } from './connection-drain.ts';

/** close-with-grace's callback argument. */
export interface ShutdownCause {
  readonly signal?: string;
  readonly err?: unknown;
}

/**
 * How long a connection must carry nothing (no request in progress, none arriving) before the
 * service closes it: a keep-alive client that is sending meanwhile gets `Connection: close`.
 */
export const SHUTDOWN_QUIET_MS = 1000;

export interface ShutdownOptions {
  readonly graceMs: number;
  readonly connections: Pick<ConnectionDrain, 'drain' | 'size'>;
  /** @default SHUTDOWN_QUIET_MS, or half the grace period when that is shorter */
  readonly quietMs?: number;
}

export function shutdownHandler(app: Pick<FastifyInstance, 'log' | 'close'>, opts: ShutdownOptions) {
  return async ({ signal, err }: ShutdownCause): Promise<void> => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an unexpected error');
    else app.log.info({ signal, graceMs: opts.graceMs, connections: opts.connections.size }, 'shutting down');
    await opts.connections.drain(opts.quietMs ?? Math.min(SHUTDOWN_QUIET_MS, opts.graceMs / 2));
    await app.close();
  };
}
