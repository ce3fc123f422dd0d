// The process entry and the only reader of process.env: env -> options -> app -> close-with-grace -> listen.
import { hostname } from 'node:os';
import closeWithGrace from 'close-with-grace';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { loadServiceEnv } from '@hello/config/load-service-env';
import type { ServiceEnv } from '@hello/config/service-env';
import serviceApp from './app.ts';
import { ConnectionDrain } from './connection-drain.ts';
import { installLazySourceMaps } from './lazy-source-maps.ts';
import { createLogger } from './logger.ts';
import { captureHelmetHeaders } from './plugins/security-headers.ts';
import { serverOptions } from './server-options.ts';
import { shutdownHandler } from './shutdown.ts';
import { readTlsFiles } from './tls-files.ts';

/** Bad configuration: say what is wrong on stderr (the unit appends it to /var/log/hello/service.log) and exit non-zero. */
function exitWith(what: string, error: unknown): never {
  process.stderr.write(`hello: cannot start: ${what}: ${(error as Error).message}\n`);
  process.exit(1);
}

// The release bundle ships app/server.mjs.map: stack traces name the TypeScript sources.
installLazySourceMaps(import.meta.url);

let env: ServiceEnv;
let app: FastifyInstance;
const headers = captureHelmetHeaders();
try {
  env = loadServiceEnv(process.env);
  const logger = await createLogger({ level: env.LOG_LEVEL, pretty: process.stdout.isTTY === true });
  app = Fastify(serverOptions({ tls: readTlsFiles(env), logger, headers }));
} catch (error) {
  exitWith('bad configuration', error);
}

const drain = new ConnectionDrain(app.server);
await app.register(fp(serviceApp), {
  stage: env.STAGE,
  version: env.RELEASE_VERSION,
  hostname: hostname(),
  startedAt: new Date(),
  headers,
  draining: () => drain.draining,
});

// SIGTERM (systemd stop) or SIGINT: exit 0 once in-flight requests are done, or 1 when that
// takes longer than SHUTDOWN_GRACE_MS (close-with-grace also exits 1 on a second signal).
closeWithGrace(
  { delay: env.SHUTDOWN_GRACE_MS, logger: { error: (message: unknown) => app.log.error(message) } },
  shutdownHandler(app, { graceMs: env.SHUTDOWN_GRACE_MS, drain }),
);

try {
  await app.listen({ port: env.PORT, host: env.HOST });
} catch (error) {
  exitWith(`cannot listen on ${env.HOST}:${env.PORT}`, error);
}
// The Node version is for the operator's log, not for /version (anyone can read that).
app.log.info({ node: process.version, release: env.RELEASE_VERSION, stage: env.STAGE }, 'started');
