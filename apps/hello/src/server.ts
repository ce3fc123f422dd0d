// The process entry and the only reader of process.env: env -> options -> app -> close-with-grace -> listen.
import { hostname } from 'node:os';
import closeWithGrace from 'close-with-grace';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { loadServiceEnv, type ServiceEnv } from '@hello/config/service-env';
import serviceApp from './app.js';
import { createLogger } from './logger.js';
import { serverOptions } from './server-options.js';
import { shutdownHandler } from './shutdown.js';
import { readTlsFiles } from './tls-files.js';

/** Bad configuration: say what is wrong on stderr (systemd's journal) and exit non-zero. */
function exitWith(what: string, error: unknown): never {
  process.stderr.write(`hello: cannot start: ${what}: ${(error as Error).message}\n`);
  process.exit(1);
}

let env: ServiceEnv;
let app: FastifyInstance;
try {
  env = loadServiceEnv(process.env);
  const logger = await createLogger({ level: env.LOG_LEVEL, pretty: process.stdout.isTTY === true });
  app = Fastify(serverOptions({ tls: readTlsFiles(env), logger }));
} catch (error) {
  exitWith('bad configuration', error);
}

await app.register(fp(serviceApp), {
  stage: env.STAGE,
  version: env.RELEASE_VERSION,
  hostname: hostname(),
  startedAt: new Date(),
});

// SIGTERM (systemd stop) or SIGINT: exit 0 once in-flight requests are done, or 1 when that
// takes longer than SHUTDOWN_GRACE_MS (close-with-grace also exits 1 on a second signal).
closeWithGrace(
  { delay: env.SHUTDOWN_GRACE_MS, logger: { error: (message: unknown) => app.log.error(message) } },
  shutdownHandler(app, env.SHUTDOWN_GRACE_MS),
);

try {
  await app.listen({ port: env.PORT, host: env.HOST });
} catch (error) {
  exitWith(`cannot listen on ${env.HOST}:${env.PORT}`, error);
}
