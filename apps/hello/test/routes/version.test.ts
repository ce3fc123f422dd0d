import t from 'tap';
import Fastify from 'fastify';
import { VERSION_PATH } from '@hello/config/constants';
import version from '../../src/routes/version.js';
import { build, TEST_APP } from '../helpers/build.js';

t.test('/version reports release, stage, Node and start time', async (t) => {
  const { app } = await build(t);
  const res = await app.inject({ method: 'GET', url: VERSION_PATH });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  t.same(res.json(), {
    version: TEST_APP.version,
    stage: TEST_APP.stage,
    node: process.version,
    startedAt: '2026-01-02T03:04:05.000Z',
  });
});

t.test('the Node version can be given (the release reports the host\'s)', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(version, { version: 'v1', stage: 'prod', startedAt: new Date(0), node: 'v24.0.0' });
  const res = await app.inject({ method: 'GET', url: VERSION_PATH });
  t.equal(res.json<{ node: string }>().node, 'v24.0.0');
});
