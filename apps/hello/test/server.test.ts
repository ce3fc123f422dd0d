import t from 'tap';
import { writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { connect as tcpConnect, createServer } from 'node:net';
import { once } from 'node:events';
import { hostname, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTH_PATH, VERSION_PATH } from '@hello/config/constants';
import { testCertificate } from './helpers/certificate.ts';
import { freePort } from '@hello/cli-kit/free-port';
import { logLines, startChild } from './helpers/child-server.ts';
import { fetchOver, openTls } from './helpers/client.ts';
import { keepAliveLoad } from './helpers/keep-alive-load.ts';

// Each child loads the TypeScript sources (a while on a busy machine), so they all start
// together and the tests await them. Reading the TLS files is tested in tls.test.ts; here
// only that a bad pair stops the process before it listens.
t.setTimeout(180_000);
const dir = mkdtempSync(join(tmpdir(), 'hello-server-test-'));
const { cert, key } = await testCertificate();
const tls = { TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') };
writeFileSync(tls.TLS_CERT_FILE, cert);
writeFileSync(tls.TLS_KEY_FILE, key);
writeFileSync(
  join(dir, 'rsa-key.pem'),
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
);
const occupied = createServer().listen(0, '127.0.0.1');
await once(occupied, 'listening');
const busyPort = (occupied.address() as { port: number }).port;
const ports = { serving: await freePort(), slow: await freePort() };

const children = {
  badEnv: startChild('server.ts', { STAGE: 'nope', PORT: 'eighty' }),
  mismatched: startChild('server.ts', {
    ...tls,
    TLS_KEY_FILE: join(dir, 'rsa-key.pem'),
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
  }),
  busy: startChild('server.ts', { ...tls, PORT: String(busyPort), HOST: '127.0.0.1' }),
  serving: startChild('server.ts', {
    ...tls,
    PORT: String(ports.serving),
    HOST: '127.0.0.1',
    STAGE: 'prod',
    RELEASE_VERSION: 'f00dcafe',
  }),
  slow: startChild('server.ts', { ...tls, PORT: String(ports.slow), HOST: '127.0.0.1', SHUTDOWN_GRACE_MS: '300' }),
};
t.teardown(() => {
  occupied.close();
  for (const c of Object.values(children)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

t.test('bad variables: exit 1 naming each variable and what is allowed', async (t) => {
  const { exited, stderr, stdout } = children.badEnv;
  t.equal(await exited, 1);
  t.match(stderr(), /^hello: cannot start: bad configuration: invalid service environment:/);
  t.match(stderr(), /STAGE="nope": .*allowed: local, staging, prod/);
  t.match(stderr(), /PORT="eighty": must be integer/);
  t.equal(stdout(), '', 'nothing half-started');
});

t.test('a key that does not match the certificate: exit 1 naming both settings, before listening', async (t) => {
  t.equal(await children.mismatched.exited, 1);
  t.match(
    children.mismatched.stderr(),
    `cannot start: bad configuration: TLS_KEY_FILE=${dir}/rsa-key.pem: this rsa key does not belong to the certificate in TLS_CERT_FILE=${tls.TLS_CERT_FILE}`,
  );
  t.notMatch(children.mismatched.stdout(), /listening/);
});

t.test('a port in use: exit 1 naming the address', async (t) => {
  t.equal(await children.busy.exited, 1);
  t.match(children.busy.stderr(), `hello: cannot start: cannot listen on 127.0.0.1:${busyPort}: `);
  t.match(children.busy.stderr(), /EADDRINUSE/);
});

t.test('serves over HTTPS, then SIGTERM drains and exits 0', async (t) => {
  const { child, listening, exited, stdout } = children.serving;
  await listening;
  const hello = await fetchOver(ports.serving, '/');
  t.equal(hello.status, 200);
  t.equal(hello.body, `Hello World from ${hostname()} in prod\n`);
  const version = JSON.parse((await fetchOver(ports.serving, VERSION_PATH)).body) as Record<string, unknown>;
  t.match(version, { version: 'f00dcafe', stage: 'prod' });
  t.notOk('node' in version, '/version does not tell the Node version');
  t.equal((await fetchOver(ports.serving, HEALTH_PATH)).status, 200, 'healthy while serving');
  // Connections that never send a request must not hold the shutdown (Node does not count them idle).
  const silentTls = await openTls(ports.serving);
  silentTls.on('error', () => undefined);
  const silentTcp = tcpConnect(ports.serving, '127.0.0.1');
  silentTcp.on('error', () => undefined);
  await once(silentTcp, 'connect');
  // Log lines are written asynchronously, but without waiting for more traffic.
  const asked = Date.now();
  while (!stdout().includes('"url":"/version"') && Date.now() - asked < 5000) await once(child.stdout!, 'data');
  t.match(stdout(), '"url":"/version"', 'the request line is out while traffic has stopped');
  // SIGTERM under keep-alive load, through close-with-grace as systemd sends it.
  const load = keepAliveLoad(ports.serving, 6);
  await load.answered(100);
  child.kill('SIGTERM');
  const started = Date.now();
  t.equal(await exited, 0);
  t.ok(Date.now() - started < 5000, 'well inside the grace period, silent connections or not');
  t.ok(silentTls.destroyed || silentTls.readableEnded, 'the silent TLS connection was closed');
  const { answered, lost } = await load.stop();
  t.same(lost, [], `every request written on an open connection was answered (${answered})`);
  const lines = logLines(stdout());
  t.ok(lines.length >= 3, 'stdout is JSON lines (not a TTY)');
  t.match(
    lines.find((l) => l.statusCode === 200),
    { msg: 'request completed', method: 'GET', url: '/', reqId: String },
  );
  t.equal(
    lines.filter((l) => l.msg === 'request completed').length,
    answered + 3,
    'one line per reply, the last ones written at exit',
  );
  t.match(
    lines.find((l) => l.msg === 'shutting down'),
    { signal: 'SIGTERM', graceMs: 10_000 },
  );
  t.match(
    lines.find((l) => l.msg === 'started'),
    { node: process.version, release: 'f00dcafe', stage: 'prod' },
  );
});

t.test('a request that outlives SHUTDOWN_GRACE_MS cannot hold the exit: exit 1 after the grace', async (t) => {
  const { child, listening, exited, stdout } = children.slow;
  await listening;
  const socket = await openTls(ports.slow);
  t.teardown(() => socket.destroy());
  socket.on('error', () => undefined);
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // a request still arriving keeps the server open
  const started = Date.now();
  child.kill('SIGINT');
  t.equal(await exited, 1);
  const waited = Date.now() - started;
  t.ok(waited >= 250 && waited < 5000, `exited after ${waited} ms`);
  t.match(
    logLines(stdout()).find((l) => l.level === 50),
    { msg: 'killed by timeout (300ms)' },
  );
  t.match(
    logLines(stdout()).find((l) => l.msg === 'shutting down'),
    { signal: 'SIGINT', graceMs: 300 },
  );
});
