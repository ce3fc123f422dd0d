import t from 'tap';
import Fastify from 'fastify';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import securityHeaders, { captureHelmetHeaders, replyHeadersKey } from '../../src/plugins/security-headers.ts';
import { build } from '../helpers/build.ts';

// What @fastify/helmet, run per request, would send: the captured set must be exactly that.
async function officialHeaders(options: Parameters<typeof captureHelmetHeaders>[0] = {}) {
  const app = Fastify();
  // helmet's types reach us twice (its CJS and ESM declarations); the values are the same.
  await app.register(fastifyHelmet, options as FastifyHelmetOptions);
  app.get('/', async () => 'x');
  const res = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  const headers = { ...res.headers };
  for (const own of ['content-type', 'content-length', 'date', 'connection']) delete headers[own];
  return headers;
}

t.test("the headers captured once equal @fastify/helmet's per-request headers", async (t) => {
  t.same(captureHelmetHeaders(), await officialHeaders());
  const custom = {
    strictTransportSecurity: { maxAge: 63_072_000, preload: true },
    xFrameOptions: { action: 'deny' },
  } as const;
  t.same(captureHelmetHeaders(custom), await officialHeaders(custom));
});

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
    t.match(res.headers['content-security-policy'], /default-src 'self'/);
    t.notOk('x-powered-by' in res.headers, 'no x-powered-by');
  }
});

t.test('helmet options reach the replies', async (t) => {
  const { app } = await build(t, {
    app: { headers: captureHelmetHeaders({ strictTransportSecurity: { maxAge: 600 } }) },
  });
  const res = await app.inject({ method: 'GET', url: '/' });
  t.equal(res.headers['strict-transport-security'], 'max-age=600; includeSubDomains');
});

t.test('per-request CSP values are refused: they cannot be computed once', async (t) => {
  const nonce = () => "'nonce-abc'";
  t.throws(
    () => captureHelmetHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } } }),
    /contentSecurityPolicy directives must be static/,
  );
  t.throws(
    () => captureHelmetHeaders({ contentSecurityPolicy: { directives: { scriptSrc: nonce as unknown as string[] } } }),
    /contentSecurityPolicy directives must be static/,
  );
  t.match(captureHelmetHeaders({ contentSecurityPolicy: { useDefaults: true } }), {
    'content-security-policy': /default-src/,
  });
  t.notOk('content-security-policy' in captureHelmetHeaders({ contentSecurityPolicy: false }));
});

t.test("the headers go straight into Fastify's reply header object; without it, through reply.headers()", async (t) => {
  const keys: (symbol | undefined)[] = [];
  const { app } = await build(t, {
    extend: (app) =>
      app.get('/key', (_request, reply) => {
        keys.push(replyHeadersKey(reply));
        return reply.send('k');
      }),
  });
  await app.inject({ method: 'GET', url: '/key' });
  t.equal(
    keys[0]?.description,
    'fastify.reply.headers',
    'this Fastify keeps the headers where the fast path puts them',
  );

  const headers = captureHelmetHeaders();
  const fallback = Fastify();
  await fallback.register(securityHeaders, { headers, findHeadersKey: () => undefined });
  fallback.get('/', (_request, reply) => reply.header('x-route', 'kept').send('x'));
  const res = await fallback.inject({ method: 'GET', url: '/' });
  await fallback.close();
  t.equal(res.headers['strict-transport-security'], headers['strict-transport-security']);
  t.equal(res.headers['x-route'], 'kept');
});
