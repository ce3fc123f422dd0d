// Shutdown on a real listening HTTPS server, with the production timeouts (none of them helps):
// it must finish in moments when nothing is in flight, and answer every request that has
// started to arrive, with `Connection: close`.
import t, { type Test } from 'tap';
import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { HEALTH_PATH } from '@hello/config/constants';
import { shutdownHandler } from '../src/shutdown.ts';
import { build, listen, type TestApp } from './helpers/build.ts';
import { openTls } from './helpers/client.ts';

const LINGER_MS = 300;

async function serving(t: Test) {
  const built = await build(t, {
    extend: (app: TestApp) =>
      app.get('/slow', async () => {
        await new Promise((r) => setTimeout(r, 400));
        return 'slow done';
      }),
  });
  const port = await listen(built.app);
  const shutdown = () =>
    shutdownHandler(built.app, { graceMs: 10_000, drain: built.drain, lingerMs: LINGER_MS })({ signal: 'SIGTERM' });
  return { ...built, port, shutdown };
}

/** Reads HTTP/1.1 replies off a raw TLS socket. */
function replies(socket: TLSSocket) {
  let data = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => undefined);
  return {
    text: () => data,
    async next(count: number): Promise<void> {
      while ((data.match(/HTTP\/1\.1 /g)?.length ?? 0) < count) {
        if (socket.destroyed) throw new Error(`closed after ${data.match(/HTTP\/1\.1 /g)?.length ?? 0} replies`);
        await new Promise((r) => setTimeout(r, 5));
      }
      // The body is short; wait until it is all there (the reply ends with its body).
      await new Promise((r) => setTimeout(r, 5));
    },
  };
}

t.test('connections that carry no request cannot hold the shutdown', async (t) => {
  const { app, port, shutdown, logs } = await serving(t);
  const silentTls = await openTls(port);
  silentTls.on('error', () => undefined);
  const tlsClosed = once(silentTls, 'close');
  const silentTcp = tcpConnect(port, '127.0.0.1');
  silentTcp.on('error', () => undefined);
  await once(silentTcp, 'connect');
  const tcpClosed = once(silentTcp, 'close');
  const idle = await openTls(port);
  const idleReplies = replies(idle);
  idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await idleReplies.next(1);
  await new Promise((r) => setTimeout(r, 50)); // the server has accepted the TCP connection
  const start = Date.now();
  await shutdown();
  const took = Date.now() - start;
  t.ok(took < LINGER_MS + 2000, `closed in ${took} ms`);
  await tlsClosed;
  t.ok(silentTls.destroyed, 'the TLS connection that never sent a request is closed');
  await tcpClosed;
  t.ok(silentTcp.destroyed, 'the TCP connection without a ClientHello is closed');
  t.notOk(app.server.listening);
  t.match(
    logs.find((l) => l.msg === 'shutting down'),
    { signal: 'SIGTERM', connections: 3 },
  );
});

t.test('a request in flight at SIGTERM is answered with Connection: close; health turns 503 at once', async (t) => {
  const { port, shutdown } = await serving(t);
  const busy = await openTls(port);
  const busyReplies = replies(busy);
  busy.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((r) => setTimeout(r, 100));
  const health = await openTls(port);
  const healthReplies = replies(health);
  health.write(`GET ${HEALTH_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`);
  await healthReplies.next(1);
  t.match(healthReplies.text(), /^HTTP\/1\.1 200 /);
  const closing = shutdown();
  health.write(`GET ${HEALTH_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`);
  await healthReplies.next(2);
  t.match(healthReplies.text(), /HTTP\/1\.1 503 Service Unavailable\r\n[^]*connection: close[^]*"status":"draining"/i);
  await closing;
  await busyReplies.next(1);
  t.match(busyReplies.text(), /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n[^]*slow done$/i);
});

t.test('a request that has started to arrive is read and answered, not cut', async (t) => {
  const { port, shutdown } = await serving(t);
  const socket = await openTls(port);
  const r = replies(socket);
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await r.next(1);
  socket.write('GET / HTTP/1.1\r\n'); // the next request, half sent
  await new Promise((r) => setTimeout(r, 50));
  const closing = shutdown();
  await new Promise((r) => setTimeout(r, LINGER_MS + 200)); // past the linger: the server is closing
  socket.write('Host: x\r\n\r\n');
  await r.next(2);
  t.match(r.text().slice(r.text().lastIndexOf('HTTP/1.1')), /^HTTP\/1\.1 200 OK\r\n[^]*connection: close/i);
  await closing;
});

t.test('keep-alive clients under load lose no request to the shutdown', async (t) => {
  const { port, shutdown } = await serving(t);
  const CLIENTS = 8;
  let answered = 0;
  let lost = 0;
  let stop = false;
  const client = async () => {
    const socket = await openTls(port);
    const r = replies(socket);
    for (let n = 1; !stop; n++) {
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      try {
        await r.next(n);
      } catch {
        lost++; // a request sent and never answered
        return;
      }
      answered++;
      if (/connection: close\r\n[^]*$/i.test(r.text().slice(r.text().lastIndexOf('HTTP/1.1')))) return;
    }
    socket.destroy();
  };
  const clients = Array.from({ length: CLIENTS }, client);
  await new Promise((r) => setTimeout(r, 300));
  await shutdown();
  stop = true;
  await Promise.all(clients);
  t.ok(answered > CLIENTS, `${answered} requests answered`);
  t.equal(lost, 0, 'every request sent was answered');
});
