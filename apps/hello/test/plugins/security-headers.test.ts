import t from 'tap';
import { build, listen } from '../helpers/build.ts';
import { exchange } from '../helpers/client.ts';

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
