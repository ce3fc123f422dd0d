import t from 'tap';
import { createServer as createTcpServer } from 'node:net';
import { createServer, type Server } from 'node:https';
import { checkOnce, getLocal, probeService, type ProbeOptions } from '../../host/probe-service.ts';
import { testCertificate } from '../helpers/certificate.ts';

// One loopback HTTPS server whose answers each test sets.
let health = 200;
let versionBody = '{"version":"v2"}';
let server: Server;
let port = 0;

t.before(async () => {
  const { cert, key } = await testCertificate();
  server = createServer({ cert, key }, (req, res) => {
    if (req.url === '/healthz') res.writeHead(health).end('{}');
    else if (req.url === '/version') res.writeHead(200).end(versionBody);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
t.teardown(
  () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
);

const options = (over: Partial<ProbeOptions> = {}): ProbeOptions & { lines: string[] } => {
  const lines: string[] = [];
  return {
    port,
    version: 'v2',
    healthPath: '/healthz',
    versionPath: '/version',
    timeoutMs: 2000,
    intervalMs: 20,
    log: (l) => lines.push(l),
    lines,
    ...over,
  };
};

t.test('one look says what is still wrong', async (t) => {
  health = 503;
  t.equal(await checkOnce(options(), 1000), '/healthz answered 503');
  health = 200;
  versionBody = 'not json';
  t.equal(await checkOnce(options(), 1000), '/version answered 200 without JSON');
  versionBody = '{"version":"v1"}';
  t.equal(await checkOnce(options(), 1000), '/version answered 200 with version "v1", waiting for "v2"');
  versionBody = '{"version":"v2"}';
  t.equal(await checkOnce(options(), 1000), 'ok');
  t.match(await checkOnce(options({ port: 1 }), 1000), /^not reachable: /);
  t.equal((await getLocal(port, '/nope', 1000)).status, 404);
});

t.test('polls until the new version answers', async (t) => {
  versionBody = '{"version":"v1"}';
  const o = options();
  setTimeout(() => (versionBody = '{"version":"v2"}'), 100);
  t.equal(await probeService(o), true);
  t.same(
    o.lines,
    ['/version answered 200 with version "v1", waiting for "v2"', 'healthy with version v2'],
    'logs only changes',
  );
});

t.test('gives up at its deadline', async (t) => {
  versionBody = '{"version":"v1"}';
  const o = options({ timeoutMs: 150 });
  const started = Date.now();
  t.equal(await probeService(o), false);
  t.ok(Date.now() - started < 2000, 'bounded');
  t.equal(await probeService(options({ timeoutMs: 50, intervalMs: undefined })), false, 'default interval');
});

t.test('a request that hangs times out', async (t) => {
  // Accepts the connection and never speaks TLS; resume() lets it see the client hang up.
  const tcp = createTcpServer((socket) => socket.resume());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const hung = (tcp.address() as { port: number }).port;
  await t.rejects(getLocal(hung, '/healthz', 100), /no answer within 100 ms/);
  await new Promise<void>((r) => tcp.close(() => r()));
});
