import t from 'tap';
import { VERSION_PATH } from '@hello/config/constants';
import { build, TEST_APP } from '../helpers/build.ts';

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
