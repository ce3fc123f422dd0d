import t from 'tap';
import { BODY_LIMIT_BYTES, HEALTH_PATH, VERSION_PATH } from '@hello/config/constants';
import { build, listen } from '../helpers/build.ts';
import { exchange, openTls, readUntilClosed } from '../helpers/client.ts';

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
  await new Promise((r) => setTimeout(r, 100));
  socket.write('hi');
  t.match(await answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 405 Method Not Allowed\r\n/);
});
