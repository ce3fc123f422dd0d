import { once } from 'node:events';
import t from 'tap';
import { errorBody } from '../src/plugins/error-replies.ts';
import { build, listen } from './helpers/build.ts';
import { exchange, openTls, readUntilClosed } from './helpers/client.ts';
import { BODY_LIMIT_BYTES, HEALTH_PATH, VERSION_PATH } from '@hello/config/constants';

t.test('plugins/error-replies.ts', async (t) => {
  t.test('unknown routes get a 404 in JSON that does not echo the request', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ method: 'GET', url: '/admin/<script>' });
    t.equal(res.statusCode, 404);
    t.match(res.headers['content-type'], /^application\/json/);
    t.same(res.json(), { statusCode: 404, error: 'Not Found', message: 'Not Found' });
  });

  t.test('a failure answers 500 without message or stack, and is logged with both', async (t) => {
    const { app, logs } = await build(t, {
      extend: (app) =>
        app.get('/boom', async () => {
          throw new Error('database password is hunter2');
        }),
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    t.equal(res.statusCode, 500);
    t.same(res.json(), { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
    t.notMatch(res.body, /hunter2|at .*\.ts/);
    const logged = logs.find((l) => l.msg === 'request failed');
    t.match(logged, { level: 50, reqId: String, err: { message: 'database password is hunter2', stack: /Error/ } });
  });

  t.test("a 4xx reply names its status and never echoes the error's message", async (t) => {
    const { app } = await build(t, {
      extend: (app) =>
        app.get('/teapot', async () => {
          throw Object.assign(new Error('short and stout <script>'), { statusCode: 418 });
        }),
    });
    const res = await app.inject({ method: 'GET', url: '/teapot' });
    t.equal(res.statusCode, 418);
    t.same(res.json(), { statusCode: 418, error: "I'm a Teapot", message: "I'm a Teapot" });
  });

  t.test('framework errors (bad URL, bad content type) echo nothing', async (t) => {
    const { app } = await build(t, { extend: (app) => app.post('/echo', async (request) => request.body) });
    const port = await listen(app);
    const badUrl = await exchange(port, 'GET /%zz<script> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    t.match(badUrl, /^HTTP\/1\.1 400 Bad Request\r\n/);
    t.notMatch(badUrl, /%zz|<script>/);
    const badType = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'text/evil<script>' },
      payload: 'x',
    });
    t.equal(badType.statusCode, 415);
    t.notMatch(badType.body, /evil|<script>/);
  });

  t.test('error bodies name the status', async (t) => {
    t.same(errorBody(503), { statusCode: 503, error: 'Service Unavailable', message: 'Service Unavailable' });
    t.same(errorBody(599, 'odd'), { statusCode: 599, error: 'Error', message: 'odd' });
  });
});

t.test('plugins/method-not-allowed.ts', async (t) => {
  t.test('writes to the read-only routes get 405 and the methods that work', async (t) => {
    const { app } = await build(t);
    for (const url of ['/', HEALTH_PATH, VERSION_PATH]) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
        const res = await app.inject({ method, url });
        t.equal(res.statusCode, 405, `${method} ${url}`);
        t.equal(res.headers.allow, 'GET, HEAD');
        t.same(res.json(), { statusCode: 405, error: 'Method Not Allowed', message: 'Method Not Allowed' });
      }
    }
  });

  t.test('a small body of any type still gets 405', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-whatever' },
      payload: 'hi',
    });
    t.equal(res.statusCode, 405);
  });

  t.test('a body over the limit gets 413 before anything else', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT_BYTES) }),
    });
    t.equal(res.statusCode, 413);
    t.same(res.json(), { statusCode: 413, error: 'Payload Too Large', message: 'Payload Too Large' });
  });

  t.test("every other method on a known path gets 405 with Allow, WebDAV's included; unknown paths 404", async (t) => {
    const { app } = await build(t);
    const port = await listen(app);
    for (const method of ['PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'PROPPATCH', 'SEARCH', 'TRACE']) {
      const answer = await exchange(
        port,
        `${method} ${VERSION_PATH}?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      t.match(answer, /^HTTP\/1\.1 405 Method Not Allowed\r\n/, method);
      t.match(answer, /\r\nallow: GET, HEAD\r\n/i, method);
    }
    t.match(
      await exchange(port, 'PROPFIND /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      /^HTTP\/1\.1 404 /,
    );
  });

  t.test('Expect: 100-continue with a body over the limit gets 413, never 100 Continue', async (t) => {
    const { app, logs } = await build(t);
    const port = await listen(app);
    const socket = await openTls(port);
    const answer = readUntilClosed(socket);
    socket.write(
      `POST /?a=s3cret HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${10 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n`,
    );
    const text = await answer;
    t.match(text, /^HTTP\/1\.1 413 Payload Too Large\r\n/);
    t.notMatch(text, /100 Continue/);
    t.match(
      logs.find((l) => l.statusCode === 413),
      { method: 'POST', url: '/?a', msg: 'request refused' },
    );
  });

  t.test('Expect: 100-continue with a body within the limit gets 100, then the answer', async (t) => {
    const { app } = await build(t);
    const port = await listen(app);
    const socket = await openTls(port);
    const answer = readUntilClosed(socket);
    socket.write(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
    );
    // A client that sent Expect: 100-continue sends the body once the 100 has come.
    await once(socket, 'data');
    socket.write('hi');
    t.match(await answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 405 Method Not Allowed\r\n/);
  });
});

t.test('plugins/security-headers.ts', async (t) => {
  /** Header lines of a raw reply, lower-cased names, without the ones Node and the route set. */
  function helmetHeaders(raw: string): Record<string, string> {
    const own = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'allow']);
    const lines = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n').slice(1);
    return Object.fromEntries(
      lines
        .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()])
        .filter(([name]) => !own.has(name!)),
    ) as Record<string, string>;
  }

  t.test('HSTS and friends are on every reply: routes, 404s and 405s', async (t) => {
    const { app } = await build(t);
    for (const [method, url, status] of [
      ['GET', '/', 200],
      ['GET', '/nope', 404],
      ['DELETE', '/', 405],
    ] as const) {
      const res = await app.inject({ method, url });
      t.equal(res.statusCode, status, `${method} ${url}`);
      t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', `${method} ${url}`);
      t.equal(res.headers['x-content-type-options'], 'nosniff');
      t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
      t.equal(res.headers['x-frame-options'], 'DENY');
      t.equal(res.headers['referrer-policy'], 'no-referrer');
      t.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
      t.notOk('x-powered-by' in res.headers, 'no x-powered-by');
    }
  });

  t.test('replies Fastify answers before its hooks carry the same headers as the routes', async (t) => {
    const { app } = await build(t);
    const port = await listen(app);
    const route = helmetHeaders(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    t.ok('strict-transport-security' in route, `helmet's set: ${Object.keys(route).join(', ')}`);
    const badUrl = await exchange(port, 'GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    t.match(badUrl, /^HTTP\/1\.1 400 /);
    t.same(helmetHeaders(badUrl), route, 'a bad URL');
    const tooBig = await exchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n',
    );
    t.match(tooBig, /^HTTP\/1\.1 413 /);
    t.same(helmetHeaders(tooBig), route, 'a 413 before 100 Continue');
  });
});
