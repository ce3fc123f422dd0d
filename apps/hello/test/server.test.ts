import t from 'tap';
import { writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { connect as tcpConnect, createServer } from 'node:net';
import { once } from 'node:events';
import { hostname, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTH_PATH, VERSION_PATH } from '@hello/config/constants';
import { testCertificate } from './helpers/certificate.ts';
import { spawn } from 'node:child_process';
import { freePort } from '@hello/cli-kit/free-port';
import { logLines, startChild, TYPE_STRIPPING } from './helpers/child-server.ts';
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
    // Meant for another process (sd_listen_fds(3)): ignored, the service binds HOST:PORT.
    LISTEN_PID: '1',
    LISTEN_FDS: '1',
  }),
  slow: startChild('server.ts', { ...tls, PORT: String(ports.slow), HOST: '127.0.0.1', SHUTDOWN_GRACE_MS: '300' }),
};
t.teardown(() => {
  occupied.close();
  for (const c of Object.values(children)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
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

// systemd's part of socket activation, as sd_listen_fds(3) describes it: a parent that holds the
// listening socket and starts the service `runs` times, each with the socket as fd 3, LISTEN_FDS
// and LISTEN_PID set to the child's own pid just before exec. Prints the port, each child's pid and
// exit code. fd 3 may be a file instead (a bad descriptor), LISTEN_FDS another count.
const SOCKET_HOLDER = `
import os, socket, sys
runs, fds, kind, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
s = socket.create_server(('127.0.0.1', 0))
print('port', s.getsockname()[1], flush=True)
for _ in range(runs):
    pid = os.fork()
    if pid == 0:
        os.dup2(s.fileno() if kind == 'socket' else os.open(os.devnull, os.O_RDONLY), 3)
        os.set_inheritable(3, True)
        os.environ.update(LISTEN_FDS=fds, LISTEN_PID=str(os.getpid()))
        os.execv(argv[0], argv)
    print('child', pid, flush=True)
    print('exited', os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
`;

function activated(runs: number, fds = '1', kind: 'socket' | 'file' = 'socket') {
  const entry = new URL('../src/server.ts', import.meta.url).pathname;
  // HOST:PORT name an address nothing may bind: the socket comes from the parent.
  const env = { ...process.env, ...tls, HOST: '127.0.0.1', PORT: String(busyPort), RELEASE_VERSION: 'ac71a7ed' };
  const holder = spawn(
    'python3',
    ['-c', SOCKET_HOLDER, String(runs), fds, kind, process.execPath, ...TYPE_STRIPPING, entry],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  holder.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  holder.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  t.teardown(() => holder.kill('SIGKILL'));
  const seen = async (pattern: RegExp, count = 1): Promise<RegExpMatchArray[]> => {
    for (;;) {
      const matches = [...out.matchAll(new RegExp(pattern, 'gm'))];
      if (matches.length >= count) return matches;
      if (holder.exitCode !== null) throw new Error(`the socket holder exited:\n${out}\n${err}`);
      await once(holder.stdout, 'data');
    }
  };
  return { holder, seen, out: () => out, err: () => err };
}

t.test('socket activation: serves on the socket systemd passes, which outlives each process', async (t) => {
  const term = activated(2);
  const kill = activated(2);
  const port = async (holder: typeof term) => Number((await holder.seen(/^port (\d+)$/))[0]![1]);
  const child = async (holder: typeof term, n: number) => Number((await holder.seen(/^child (\d+)$/, n))[n - 1]![1]);
  const exits = async (holder: typeof term, n: number) => (await holder.seen(/^exited (-?\d+)$/, n)).map((m) => m[1]);
  const listening = /Server listening at https:\/\/127\.0\.0\.1:\d+ \(fd 3, passed by systemd\)/;

  // SIGTERM under keep-alive load: nothing lost, and connections made once the drain has begun
  // wait in the socket for the next process instead of being refused.
  await term.seen(listening);
  t.equal((await fetchOver(await port(term), VERSION_PATH)).status, 200, 'on fd 3, not on HOST:PORT (in use)');
  const load = keepAliveLoad(await port(term), 4);
  await load.answered(50);
  process.kill(await child(term, 1), 'SIGTERM');
  await term.seen(/"msg":"shutting down"/);
  const during = fetchOver(await port(term), VERSION_PATH);
  t.same(await exits(term, 1), ['0'], 'the first process drained and exited 0');
  t.equal((await during).status, 200, 'a connection made during the drain is answered by the next process');
  await term.seen(listening, 2);
  process.kill(await child(term, 2), 'SIGTERM');
  t.same(await exits(term, 2), ['0', '0']);
  const { answered, lost } = await load.stop();
  t.same(lost, [], `every request written on an open connection was answered (${answered})`);

  // SIGKILL (the OOM killer): nothing drains, but the socket stays, so a request made before the
  // next process starts waits for it.
  await kill.seen(listening);
  process.kill(await child(kill, 1), 'SIGKILL');
  t.same(await exits(kill, 1), ['-9']);
  t.equal((await fetchOver(await port(kill), VERSION_PATH)).status, 200, 'answered by the process started after it');
  process.kill(await child(kill, 2), 'SIGTERM');
  t.same(await exits(kill, 2), ['-9', '0']);
});

t.test('socket activation: a bad hand-over stops the process with the reason', async (t) => {
  const two = activated(1, '2');
  t.same((await two.seen(/^exited (-?\d+)$/))[0]![1], '1');
  t.match(two.err(), /hello: cannot start: bad configuration: LISTEN_FDS=2: .*expected 1/);
  const file = activated(1, '1', 'file');
  t.same((await file.seen(/^exited (-?\d+)$/))[0]![1], '1');
  t.match(file.err(), /hello: cannot start: cannot listen on fd 3 \(LISTEN_FDS\): /);
});
