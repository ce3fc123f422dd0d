// The process entry and the only reader of process.env: env -> server -> close-with-grace -> listen
// (on the socket systemd passed, or on HOST:PORT).
import { hostname } from 'node:os';
import closeWithGrace from 'close-with-grace';
import { loadServiceEnv } from '@hello/config/load-service-env';
import { buildServer, type BuiltServer } from './build-server.ts';
import { createLogger } from './logger.ts';
import { shutdownHandler } from './shutdown.ts';
import { activatedSocket, listenOnActivatedSocket } from './socket-activation.ts';
import { readTlsFiles } from './tls-files.ts';

/** Bad configuration: say what is wrong on stderr (the unit appends it to the service log) and exit non-zero. */
function exitWith(what: string, error: unknown): never {
  process.stderr.write(`hello: cannot start: ${what}: ${(error as Error).message}\n`);
  process.exit(1);
}

let env: ReturnType<typeof loadServiceEnv>;
let server: BuiltServer;
let listenFd: number | undefined;
try {
  env = loadServiceEnv(process.env);
  listenFd = activatedSocket(process.env, process.pid);
  const logger = await createLogger({ level: env.LOG_LEVEL, pretty: process.stdout.isTTY === true });
  server = await buildServer({
    tls: readTlsFiles(env),
    logger,
    app: { stage: env.STAGE, version: env.RELEASE_VERSION, hostname: hostname(), startedAt: new Date() },
  });
} catch (error) {
  exitWith('bad configuration', error);
}
const { app, connections } = server;

// SIGTERM (systemd stop) or SIGINT: exit 0 once in-flight requests are done, or 1 when that
// takes longer than SHUTDOWN_GRACE_MS (close-with-grace also exits 1 on a second signal).
closeWithGrace(
  { delay: env.SHUTDOWN_GRACE_MS, logger: { error: (message: unknown) => app.log.error(message) } },
  shutdownHandler(app, { graceMs: env.SHUTDOWN_GRACE_MS, connections }),
);

try {
  if (listenFd === undefined) await app.listen({ port: env.PORT, host: env.HOST });
  else await listenOnActivatedSocket(app, connections, listenFd);
} catch (error) {
  exitWith(
    listenFd === undefined
      ? `cannot listen on ${env.HOST}:${env.PORT}`
      : `cannot listen on fd ${listenFd} (LISTEN_FDS)`,
    error,
  );
}
// The Node version is for the operator's log, not for /version (anyone can read that).
app.log.info({ node: process.version, release: env.RELEASE_VERSION, stage: env.STAGE }, 'started');
