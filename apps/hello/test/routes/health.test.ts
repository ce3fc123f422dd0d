import t from 'tap';
import { HEALTH_PATH } from '@hello/config/constants';
import { build } from '../helpers/build.ts';

t.test('the health check answers 200 with JSON while serving', async (t) => {
  const { app } = await build(t);
  const res = await app.inject({ method: 'GET', url: HEALTH_PATH });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  t.same(res.json(), { status: 'ok' });
});

// The 503 once shutdown begins is a property of the running server: test/connection-drain.test.ts.
