// Node's timeouts as they act on a real listening HTTPS server, with short values of the same
// shape as production's (headers < request < keep-alive; handshake short). The production
// values' relations are asserted in @hello/config's constants test. Each case waits on its own
// server, so they run side by side.
import t from 'tap';
import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import type { ServerTimeouts } from '../src/server-options.ts';
import { build, listen, type LogLine } from './helpers/build.ts';
import { openTls, readUntilClosed } from './helpers/client.ts';

const TIMEOUTS: ServerTimeouts = {
  headersTimeoutMs: 600,
  requestTimeoutMs: 1800,
  keepAliveTimeoutMs: 2400,
  checkIntervalMs: 50,
  handshakeTimeoutMs: 400,
};
// Node checks every checkIntervalMs; a busy machine adds its own delay on top.
const SLACK_MS = 1200;

const since = (start: number) => Date.now() - start;
t.jobs = 6;
const refused = (logs: LogLine[]) => logs.filter((l) => l.msg === 'request refused');

t.test('slow headers are cut at headersTimeout with 408, and logged', async (t) => {
  const { app, logs } = await build(t, { timeouts: TIMEOUTS });
  const port = await listen(app);
  const socket = await openTls(port);
  const answer = readUntilClosed(socket);
  const start = Date.now();
  socket.write('GET /?token=s3cret HTTP/1.1\r\nHost: x\r\n'); // ...and never the blank line
  t.match(await answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  const waited = since(start);
  t.ok(waited >= TIMEOUTS.headersTimeoutMs - 50 && waited < TIMEOUTS.requestTimeoutMs, `closed after ${waited} ms`);
  t.match(refused(logs), [
    { level: 30, statusCode: 408, code: 'ERR_HTTP_REQUEST_TIMEOUT', remoteAddress: '127.0.0.1' },
  ]);
  t.notMatch(JSON.stringify(logs), /s3cret/);
});

t.test(
  'a body trickled byte by byte is cut at requestTimeout (not later) with 408, logged with method and url',
  async (t) => {
    const { app, logs } = await build(t, {
      timeouts: TIMEOUTS,
      extend: (app) => app.post('/upload', async () => 'ok'),
    });
    const port = await listen(app);
    const socket = await openTls(port);
    const answer = readUntilClosed(socket);
    const start = Date.now();
    socket.write(
      'POST /upload?key=s3cret HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n',
    );
    const trickle = setInterval(() => socket.writable && socket.write('a'), 100);
    t.teardown(() => clearInterval(trickle));
    t.match(await answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    const waited = since(start);
    t.ok(
      waited >= TIMEOUTS.requestTimeoutMs - 50 && waited < TIMEOUTS.requestTimeoutMs + SLACK_MS,
      `closed after ${waited} ms`,
    );
    t.match(refused(logs), [{ method: 'POST', url: '/upload?key', statusCode: 408 }]);
    t.equal(logs.filter((l) => l.msg === 'request aborted').length, 0, 'one line for the one reply');
  },
);

t.test(
  'an idle keep-alive connection outlives the headers and request timeouts: it closes at keepAliveTimeout',
  async (t) => {
    const { app } = await build(t, { timeouts: TIMEOUTS });
    const port = await listen(app);
    const socket = await openTls(port);
    const answer = readUntilClosed(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'data');
    const idleStart = Date.now();
    t.match(await answer, /^HTTP\/1\.1 200 OK\r\n[^]*Hello World/);
    const idled = since(idleStart);
    // keepAliveTimeout > requestTimeout > headersTimeout: closed at the first means it outlived the others.
    t.ok(
      idled >= TIMEOUTS.keepAliveTimeoutMs - 100 && idled < TIMEOUTS.keepAliveTimeoutMs + SLACK_MS,
      `closed after ${idled} ms idle`,
    );
  },
);

t.test('a TCP connection that never sends a ClientHello is closed at the handshake timeout', async (t) => {
  const { app, logs } = await build(t, { timeouts: TIMEOUTS, level: 'debug' });
  const port = await listen(app);
  const socket = tcpConnect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const start = Date.now();
  await once(socket, 'close');
  const waited = since(start);
  t.ok(
    waited >= TIMEOUTS.handshakeTimeoutMs - 50 && waited < TIMEOUTS.handshakeTimeoutMs + SLACK_MS,
    `closed after ${waited} ms`,
  );
  t.match(
    logs.find((l) => l.msg === 'connection refused'),
    { level: 20, code: 'ERR_TLS_HANDSHAKE_TIMEOUT', remoteAddress: '127.0.0.1' },
  );
});

t.test('a TLS connection that never sends a request is closed at the headers timeout', async (t) => {
  const { app } = await build(t, { timeouts: TIMEOUTS });
  const port = await listen(app);
  const socket = await openTls(port);
  const answer = readUntilClosed(socket);
  const start = Date.now();
  t.match(await answer, /^(HTTP\/1\.1 408 |$)/);
  const waited = since(start);
  t.ok(waited >= TIMEOUTS.headersTimeoutMs - 50 && waited < TIMEOUTS.requestTimeoutMs, `closed after ${waited} ms`);
});

t.test('a failed TLS handshake is logged at debug and closed', async (t) => {
  const { app, logs } = await build(t, { timeouts: TIMEOUTS, level: 'debug' });
  const port = await listen(app);
  const socket = tcpConnect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); // plain HTTP to the TLS port
  await once(socket, 'close');
  t.match(
    logs.find((l) => l.msg === 'connection refused'),
    { level: 20, code: String, remoteAddress: '127.0.0.1' },
  );
});
