// What happens on SIGTERM/SIGINT (or a crash): log why, then close the app, which makes Fastify
// answer 503 to new requests, close idle keep-alive connections and wait for in-flight ones.
import type { FastifyInstance } from 'fastify';

/** close-with-grace's callback argument. */
export interface ShutdownCause {
  readonly signal?: string;
  readonly err?: unknown;
}

export function shutdownHandler(app: Pick<FastifyInstance, 'log' | 'close'>, graceMs: number) {
  return async ({ signal, err }: ShutdownCause): Promise<void> => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an unexpected error');
    else app.log.info({ signal, graceMs }, 'shutting down');
    await app.close();
  };
}
