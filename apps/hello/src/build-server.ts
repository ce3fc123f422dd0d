// The one server builder: the Fastify instance with its options, the connection drain and the
// service plugin. src/server.ts starts it; the tests build the same thing (test/helpers/build.ts).
import type { Server } from 'node:https';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import serviceApp, { type AppOptions } from './app.ts';
import { clientErrorHandler } from './client-errors.ts';
import { ConnectionDrain } from './connection-drain.ts';
import { serverOptions, type ServerTimeouts } from './server-options.ts';

export interface BuildServerOptions {
  readonly tls: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly logger: FastifyBaseLogger;
  readonly app: Omit<AppOptions, 'draining'>;
  /** @default SERVER_TIMEOUTS */
  readonly timeouts?: ServerTimeouts;
}

export type ServiceInstance = FastifyInstance<Server>;

export interface BuiltServer {
  /** Registered, not yet ready: a caller may add to it before listen() or ready(). */
  readonly app: ServiceInstance;
  readonly connections: ConnectionDrain;
}

export async function buildServer({
  tls,
  logger,
  app: appOptions,
  timeouts,
}: BuildServerOptions): Promise<BuiltServer> {
  const connections = new ConnectionDrain();
  const app = Fastify(
    serverOptions({
      tls,
      logger,
      clientErrorHandler: clientErrorHandler(logger, (socket) => connections.replyOn(socket)),
      ...(timeouts ? { timeouts } : {}),
    }),
  ) as unknown as ServiceInstance;
  connections.track(app.server);
  // Connections Node turns away at accept once the drain has begun.
  app.server.on('drop', (peer: { remoteAddress?: string }) =>
    logger.debug({ code: 'SHUTTING_DOWN', remoteAddress: peer.remoteAddress }, 'connection refused'),
  );
  await app.register(fp(serviceApp), { ...appOptions, draining: () => connections.draining });
  return { app, connections };
}
