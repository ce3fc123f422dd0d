// The idiomatic reference for `pnpm bench`: the same three routes written the way Fastify's,
// @fastify/helmet's and pino's documentation show, run from node_modules with Node's defaults.
// Plain JavaScript, so Node runs it as a user's server would run (no loader, no bundle).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import helmet from '@fastify/helmet';
import Fastify, { LogController } from 'fastify';
import { pino } from 'pino';

const env = process.env;
const startedAt = new Date().toISOString();
const app = Fastify({
  https: { cert: readFileSync(env.TLS_CERT_FILE), key: readFileSync(env.TLS_KEY_FILE) },
  logger: { level: 'info', stream: pino.destination(1) },
  // One line per reply, as Fastify's docs show it: the request lines off, an onResponse hook.
  logController: new LogController({ disableRequestLogging: true }),
});
await app.register(helmet);
app.addHook('onResponse', (request, reply, done) => {
  request.log.info(
    { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime },
    'request completed',
  );
  done();
});

const greeting = `Hello World from ${hostname()} in ${env.STAGE}\n`;
app.get('/', async () => greeting);
app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/version', async () => ({ version: env.RELEASE_VERSION, stage: env.STAGE, startedAt }));

process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
await app.listen({ host: env.HOST, port: Number(env.PORT) });
