import t from 'tap';
import { once } from 'node:events';
import { Agent } from 'node:https';
import { HEALTH_PATH } from '@hello/config/constants';
import { build, listen } from './helpers/build.ts';
import { fetchOver, openTls, readUntilClosed } from './helpers/client.ts';

t.test('closing: in-flight requests finish, health turns 503, idle connections close', async (t) => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let arrived: () => void = () => undefined;
  const inHandler = new Promise<void>((resolve) => (arrived = resolve));
  const { app } = await build(t, {
    extend: (app) =>
      app.get('/slow', async () => {
        arrived();
        await held;
        return 'finished';
      }),
  });
  const port = await listen(app);

  // An idle keep-alive connection, as the ALB keeps them.
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  t.equal((await fetchOver(port, HEALTH_PATH, { agent })).status, 200);
  const idle = Object.values(agent.freeSockets).flat()[0];
  t.ok(idle, 'an idle pooled connection');
  const idleClosed = once(idle ?? agent, 'close');

  // A request in flight, and a health check whose headers are still on the way.
  const slow = fetchOver(port, '/slow');
  await inHandler;
  const probe = await openTls(port);
  const probeAnswer = readUntilClosed(probe);
  probe.write(`GET ${HEALTH_PATH} HTTP/1.1\r\nHost: x\r\n`);
  await new Promise((r) => setTimeout(r, 50));

  const closed = app.close();
  await idleClosed;
  t.pass('the idle keep-alive connection was closed at once');
  probe.write('\r\n');
  const health = await probeAnswer;
  t.match(health, /^HTTP\/1\.1 503 Service Unavailable\r\n/, 'health is 503 while the request is in flight');
  t.match(health, /Connection: close/i);

  release();
  const answer = await slow;
  t.equal(answer.status, 200, 'the in-flight request completed');
  t.equal(answer.body, 'finished');
  await closed;
  t.equal(app.server.listening, false, 'and the server is closed');
});
