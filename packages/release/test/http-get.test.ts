import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { httpGetTrusting } from '../src/http-get.ts';
import { localHttps, serviceAt } from './local-https.ts';

const init = () => ({ signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });

t.test('trusts the given certificate on a real HTTPS server and follows redirects', async (t) => {
  const server = await localHttps(t, serviceAt('dev'));
  const get = httpGetTrusting([server.cert]);
  const answer = await get(`${server.url}/version`, init());
  t.equal(answer.status, 200);
  t.equal(await answer.text(), '{"version":"dev"}');
  const moved = await get(`${server.url}/old`, init());
  t.equal(moved.status, 200, 'a 301 is followed like fetch does');
  t.equal(await moved.text(), '{"version":"dev"}');
});

t.test("without the certificate the failure looks like fetch's: the TLS reason in cause", async (t) => {
  const server = await localHttps(t, serviceAt('dev'));
  await t.rejects(httpGetTrusting([])(`${server.url}/version`, init()), {
    message: 'fetch failed',
    cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
  });
  await t.rejects(
    globalThis.fetch(`${server.url}/version`),
    { message: 'fetch failed', cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } },
    'the same as fetch',
  );
});

t.test('plain http works too, and a redirect loop ends after five hops with the last answer', async (t) => {
  const server = createServer((req, res) => res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const answer = await httpGetTrusting([])(`http://127.0.0.1:${(server.address() as AddressInfo).port}/a`, init());
  t.equal(answer.status, 302);
});
