import t from 'tap';
import { HEALTH_PATH, VERSION_PATH } from '@hello/config/constants';
import { build, TEST_APP } from './helpers/build.ts';
import { helloBody } from '../src/routes/hello.ts';

t.test('routes/health.ts', async (t) => {
  t.test('the health check answers 200 with JSON while serving', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ method: 'GET', url: HEALTH_PATH });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^application\/json/);
    t.same(res.json(), { status: 'ok' });
  });

  // The 503 once shutdown begins is a property of the running server: test/connection-drain.test.ts.
});

t.test('routes/hello.ts', async (t) => {
  t.test('GET / greets with the host and the stage, as plain text', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ method: 'GET', url: '/' });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    t.equal(res.body, `Hello World from ${TEST_APP.hostname} in ${TEST_APP.stage}\n`);
  });

  t.test('HEAD / answers the headers without a body', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ method: 'HEAD', url: '/' });
    t.equal(res.statusCode, 200);
    t.equal(res.body, '');
    t.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  });

  t.test("the greeting is the seed guide's sentence", async (t) => {
    t.equal(helloBody('web-1', 'prod'), 'Hello World from web-1 in prod\n');
  });
});

t.test('routes/version.ts', async (t) => {
  t.test('/version reports release, stage and start time, not the Node version', async (t) => {
    const { app } = await build(t);
    const res = await app.inject({ method: 'GET', url: VERSION_PATH });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^application\/json/);
    t.same(res.json(), {
      version: TEST_APP.version,
      stage: TEST_APP.stage,
      startedAt: '2026-01-02T03:04:05.000Z',
    });
  });
});
