import t from 'tap';
import { helloBody } from '../../src/routes/hello.ts';
import { build, TEST_APP } from '../helpers/build.ts';

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
