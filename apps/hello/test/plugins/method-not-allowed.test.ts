import t from 'tap';
import { BODY_LIMIT_BYTES, HEALTH_PATH, VERSION_PATH } from '@hello/config/constants';
import { build } from '../helpers/build.js';

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
  const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-whatever' }, payload: 'hi' });
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
  t.same(res.json(), { statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large' });
});
