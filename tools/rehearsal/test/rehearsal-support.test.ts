import t from 'tap';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { createServer as createTcpServer } from 'node:net';
import {
  freePorts,
  getLocal,
  probeVersion,
  reachableNode,
  selfSignedPem,
  sleep,
  unitAndSocket,
  worldReachable,
} from '../src/rehearsal-support.ts';

t.test('distinct free loopback ports', async (t) => {
  const ports = await freePorts(3);
  t.equal(new Set(ports).size, 3);
  t.ok(ports.every((p) => p > 0 && p < 65536));
});

t.test('a certificate and key for haproxy', async (t) => {
  const pem = join(t.testdir({}), 'lb.pem');
  const cert = selfSignedPem(pem);
  const text = readFileSync(pem, 'utf8');
  t.match(cert, /^-----BEGIN CERTIFICATE-----/);
  t.match(text, /-----BEGIN PRIVATE KEY-----/);
});

t.test('what a host answers', async (t) => {
  const [port] = await freePorts(1);
  t.match(await probeVersion(port!), /^unreachable \(/);
  const pem = join(t.testdir({}), 'server.pem');
  selfSignedPem(pem);
  const key = readFileSync(pem, 'utf8');
  const server = createServer({ cert: key, key }, (_req, res) => res.end('{"version":"v3"}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.equal(await probeVersion((server.address() as { port: number }).port), 'v3');
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

t.test('a host that never answers is given up on', async (t) => {
  const silent = createTcpServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.teardown(() => silent.close());
  await t.rejects(getLocal((silent.address() as { port: number }).port, '/version', 50), /no answer within 50 ms/);
});

t.test('a Node the service user can run: itself when others reach it, else a copy', async (t) => {
  t.equal(worldReachable('/usr/bin/env'), true);
  const dir = t.testdir({ closed: { node: '#!/bin/sh\n' } });
  chmodSync(join(dir, 'closed'), 0o700);
  t.equal(worldReachable(join(dir, 'closed/node')), false);
  const copy = reachableNode(dir, join(dir, 'closed/node'));
  t.equal(copy, join(dir, 'node'));
  t.equal(statSync(copy).mode & 0o777, 0o755);
  t.equal(reachableNode(dir, '/usr/bin/env'), '/usr/bin/env');
  t.equal(await sleep(1), undefined);
});

t.test('a service unit is stopped before the socket unit of its name', async (t) => {
  t.same(unitAndSocket('web.service'), ['web.service', 'web.socket']);
});
