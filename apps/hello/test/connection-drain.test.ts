// Shutdown on a real listening HTTPS server, with the production timeouts (none of them helps):
// it finishes as soon as the connections are quiet, answers every request that reached the
// process (with `Connection: close`), and takes no new connection.
import t, { type Test } from 'tap';
import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { HEALTH_PATH } from '@hello/config/constants';
import { shutdownHandler } from '../src/shutdown.ts';
import { build, listen } from './helpers/build.ts';
import { openTls, replies } from './helpers/client.ts';
import { keepAliveLoad } from './helpers/keep-alive-load.ts';

const QUIET_MS = 200;
const GET = (path = '/') => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

async function serving(t: Test, level = 'info') {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let entered: () => void = () => undefined;
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  const built = await build(t, {
    level,
    extend: (app) =>
      app.get('/held', async () => {
        entered();
        await held;
        return 'held done';
      }),
  });
  const port = await listen(built.app);
  /** The server side of each TLS connection, in the order they were made. */
  const serverSockets: TLSSocket[] = [];
  built.app.server.on('secureConnection', (socket: TLSSocket) => serverSockets.push(socket));
  const shutdown = () =>
    shutdownHandler(built.app, { graceMs: 10_000, connections: built.connections, quietMs: QUIET_MS })({
      signal: 'SIGTERM',
    });
  return { ...built, port, shutdown, release, inHandler, serverSockets };
}

t.test('with no connection open, the shutdown closes the server at once', async (t) => {
  const { app, shutdown } = await serving(t);
  await shutdown();
  t.notOk(app.server.listening);
});

t.test('connections that carry no request cannot hold the shutdown', async (t) => {
  const { app, port, shutdown, logs } = await serving(t);
  const silentTls = await openTls(port);
  silentTls.on('error', () => undefined);
  const silentTcp = tcpConnect(port, '127.0.0.1');
  silentTcp.on('error', () => undefined);
  await once(silentTcp, 'connect');
  const idle = await openTls(port);
  const idleReplies = replies(idle);
  idle.write(GET());
  await idleReplies.nth(1);
  const closed = [once(silentTls, 'close'), once(silentTcp, 'close'), once(idle, 'close')];
  await shutdown();
  await Promise.all(closed);
  t.pass('the silent TLS, the TCP without a ClientHello and the idle keep-alive connection are closed');
  t.notOk(app.server.listening);
  t.match(
    logs.find((l) => l.msg === 'shutting down'),
    { signal: 'SIGTERM', connections: 3 },
  );
});

t.test('a request in flight is answered with Connection: close; health turns 503 at once', async (t) => {
  const { port, shutdown, release, inHandler } = await serving(t);
  const busy = await openTls(port);
  const busyReplies = replies(busy);
  busy.write(GET('/held'));
  await inHandler;
  const health = await openTls(port);
  const healthReplies = replies(health);
  health.write(GET(HEALTH_PATH));
  t.match(await healthReplies.nth(1), /^HTTP\/1\.1 200 /);
  const closing = shutdown();
  health.write(GET(HEALTH_PATH));
  t.match(
    await healthReplies.nth(2),
    /^HTTP\/1\.1 503 Service Unavailable\r\n[^]*connection: close\r\n[^]*"status":"draining"/i,
  );
  release();
  t.match(await busyReplies.nth(1), /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n[^]*held done$/i);
  await closing;
});

// The race a host meets under load: the request is on the wire, the server has not read it yet.
t.test('a request sent on a new connection just as the drain begins is answered', async (t) => {
  const { port, shutdown } = await serving(t);
  const fresh = await openTls(port);
  const r = replies(fresh);
  const closing = shutdown();
  fresh.write(GET());
  t.match(await r.nth(1), /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/i);
  await closing;
});

t.test('a request sent on an idle keep-alive connection just as the drain begins is answered', async (t) => {
  const { port, shutdown } = await serving(t);
  const reused = await openTls(port);
  const r = replies(reused);
  reused.write(GET());
  await r.nth(1);
  const closing = shutdown();
  reused.write(GET());
  t.match(await r.nth(2), /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/i);
  await closing;
});

// A pipelined request behind one answered with Connection: close goes unanswered, as HTTP/1.1
// allows (RFC 9112 9.3.2: the client retries it); before the drain both are answered.
t.test('pipelined requests are answered in order; a drain closes the connection after its next reply', async (t) => {
  const { port, shutdown } = await serving(t);
  const socket = await openTls(port);
  const r = replies(socket);
  socket.write(GET() + GET(HEALTH_PATH));
  t.match(await r.nth(2), /^HTTP\/1\.1 200 [^]*"status":"ok"/);
  const closing = shutdown();
  socket.write(GET(HEALTH_PATH));
  t.match(await r.nth(3), /^HTTP\/1\.1 503 [^]*connection: close\r\n/i);
  await closing;
});

t.test('a request that has started to arrive outlasts the quiet period and is answered', async (t) => {
  const { port, shutdown, serverSockets } = await serving(t);
  const socket = await openTls(port);
  const r = replies(socket);
  socket.write('GET / HTTP/1.1\r\n'); // half a request
  for (let i = 0; i < 200 && (serverSockets[0]?.bytesRead ?? 0) === 0; i++) await new Promise(setImmediate);
  // Opened after it, so its quiet period ends after the half request's first one.
  const witness = await openTls(port);
  witness.on('error', () => undefined);
  const closing = shutdown();
  await once(witness, 'close');
  socket.write('Host: x\r\n\r\n');
  t.match(await r.nth(1), /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/i);
  await closing;
});

t.test('once draining, new connections are refused at accept and logged at debug', async (t) => {
  const { port, shutdown, logs, release, inHandler } = await serving(t, 'debug');
  const busy = await openTls(port);
  const busyReplies = replies(busy);
  busy.write(GET('/held'));
  await inHandler;
  const closing = shutdown();
  const late = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  const [error] = (await once(late, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
  t.equal(error.code, 'ECONNRESET', 'reset before the TLS handshake: no request reached the process');
  t.match(
    logs.find((l) => l.msg === 'connection refused'),
    { level: 20, code: 'SHUTTING_DOWN', remoteAddress: '127.0.0.1' },
  );
  release();
  await busyReplies.nth(1);
  await closing;
});

t.test('keep-alive clients under load lose no request to the shutdown', async (t) => {
  const { port, shutdown } = await serving(t);
  const load = keepAliveLoad(port, 8);
  await load.answered(200);
  await shutdown();
  const { answered, lost } = await load.stop();
  t.ok(answered > 200, `${answered} requests answered`);
  t.same(lost, [], 'every request written on an open connection was answered');
});
