import t from 'tap';
import { Agent } from 'node:https';
import {
  BODY_LIMIT_BYTES,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_HEADER_BYTES,
  REQUEST_TIMEOUT_MS,
  TLS_HANDSHAKE_TIMEOUT_MS,
} from '@hello/config/constants';
import { SERVER_TIMEOUTS, serverOptions, TRUSTED_PROXIES } from '../src/server-options.ts';
import { build, listen } from './helpers/build.ts';
import { exchange, fetchOver, openTls, readUntilClosed } from './helpers/client.ts';

t.test('a real HTTPS listener on port 0 serves the routes with a verified certificate', async (t) => {
  const { app } = await build(t);
  const port = await listen(app);
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const res = await fetchOver(port, '/', { agent });
  t.equal(res.status, 200);
  t.equal(res.body, 'Hello World from ip-10-0-1-23 in staging\n');
  t.equal(res.headers.connection, 'keep-alive');
  t.equal(res.headers['keep-alive'], `timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`, 'the ALB learns the keep-alive bound');
});

t.test('the running server has the timeouts and limits of the shared constants', async (t) => {
  const { app } = await build(t);
  await listen(app);
  t.equal(app.server.keepAliveTimeout, KEEP_ALIVE_TIMEOUT_MS, 'keep-alive above the ALB idle timeout');
  t.equal(app.server.headersTimeout, HEADERS_TIMEOUT_MS, 'headers timeout <= request timeout');
  t.equal(app.server.requestTimeout, REQUEST_TIMEOUT_MS);
  t.equal((app.server as unknown as { maxHeaderSize: number }).maxHeaderSize, MAX_HEADER_BYTES);
  t.equal(app.initialConfig.bodyLimit, BODY_LIMIT_BYTES);
});

t.test('a headers timeout above the request timeout is refused, naming both', async (t) => {
  const timeouts = { ...SERVER_TIMEOUTS, headersTimeoutMs: 31_000, requestTimeoutMs: 30_000 };
  t.throws(
    () =>
      serverOptions({
        tls: { cert: '', key: '' },
        logger: console as never,
        clientErrorHandler: () => undefined,
        timeouts,
      }),
    /headersTimeoutMs \(31000\) must be <= requestTimeoutMs \(30000\)/,
  );
});

t.test('the server options name both timeouts, so Node itself checks the pair at construction', async (t) => {
  const options = serverOptions({
    tls: { cert: '', key: '' },
    logger: console as never,
    clientErrorHandler: () => undefined,
  });
  t.match(options.https, {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
  });
});

t.test('a malformed request line gets 400 and the connection is closed', async (t) => {
  const { app } = await build(t);
  const port = await listen(app);
  const answer = await exchange(port, 'GET / HTTP/1.1 extra junk\r\nHost: x\r\n\r\n');
  t.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
  t.match(answer, /"statusCode":400/, 'the reply is JSON; the connection is closed after it');
  const garbage = await exchange(port, '\x16\x03\x01 not http at all\r\n\r\n');
  t.match(garbage, /^HTTP\/1\.1 400 /);
});

t.test('a method HTTP does not know gets 400', async (t) => {
  const { app } = await build(t);
  const port = await listen(app);
  t.match(await exchange(port, 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 400 /);
});

t.test('headers over the limit get 431', async (t) => {
  const { app } = await build(t);
  const port = await listen(app);
  const answer = await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES)}\r\n\r\n`);
  t.match(answer, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  t.match(answer, /"statusCode":431/);
  const fits = await fetchOver(port, '/');
  t.equal(fits.status, 200, 'the server keeps serving');
});

t.test('a body over the limit gets 413 on the wire too', async (t) => {
  const { app } = await build(t);
  const port = await listen(app);
  const socket = await openTls(port);
  const answer = readUntilClosed(socket);
  socket.end(
    `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${BODY_LIMIT_BYTES + 1}\r\n\r\n`,
  );
  t.match(await answer, /^HTTP\/1\.1 413 Payload Too Large\r\n/);
});

t.test('X-Forwarded-For is believed from private addresses only', async (t) => {
  const { app } = await build(t, { extend: (app) => app.get('/ip', async (request) => request.ip) });
  const forwarded = { 'x-forwarded-for': '198.51.100.7' };
  const viaAlb = await app.inject({ method: 'GET', url: '/ip', headers: forwarded, remoteAddress: '10.0.12.34' });
  t.equal(viaAlb.body, '198.51.100.7', 'from the ALB (VPC address)');
  const direct = await app.inject({ method: 'GET', url: '/ip', headers: forwarded, remoteAddress: '203.0.113.9' });
  t.equal(direct.body, '203.0.113.9', 'a public client cannot claim another address');
  t.ok(TRUSTED_PROXIES.includes('10.0.0.0/8'));
});

t.test('routes with schemas are refused at start-up: no validator or serializer compiler is loaded', async (t) => {
  const withBody = build(t, {
    extend: (app) => app.post('/typed', { schema: { body: { type: 'object' } } }, async () => 'x'),
  });
  await t.rejects(withBody, /route schemas are not supported/);
  const withReply = build(t, {
    extend: (app) => app.get('/typed', { schema: { response: { 200: { type: 'object' } } } }, async () => ({})),
  });
  await t.rejects(withReply, /response schemas are not supported/);
});
