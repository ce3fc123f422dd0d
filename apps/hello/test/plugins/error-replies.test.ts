import t from 'tap';
import { errorBody } from '../../src/plugins/error-replies.ts';
import { build, listen } from '../helpers/build.ts';
import { exchange } from '../helpers/client.ts';

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
