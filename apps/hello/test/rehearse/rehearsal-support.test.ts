import t from 'tap';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { zipFiles } from '../../scripts/zip-files.ts';
import { freePorts, probeVersion, releaseVersionOf, selfSignedPem, sleep } from '../../rehearse/rehearsal-support.ts';

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

t.test('the version in a zip, and what a host answers', async (t) => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const zip = zipFiles(
    [{ path: 'release.json', data: enc(JSON.stringify({ version: 'v9', files: { a: '0'.repeat(64) } })), mode: 0o644 }],
    new Date(),
  );
  t.equal(releaseVersionOf(zip), 'v9');
  t.throws(
    () => releaseVersionOf(zipFiles([{ path: 'x', data: enc('x'), mode: 0o644 }], new Date())),
    /the zip has no release\.json/,
  );
  const [port] = await freePorts(1);
  t.match(await probeVersion(port!), /^unreachable \(/);
  const pem = join(t.testdir({}), 'server.pem');
  selfSignedPem(pem);
  const key = readFileSync(pem, 'utf8');
  const server = createServer({ cert: key, key }, (_req, res) => res.end('{"version":"v3"}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.equal(await probeVersion((server.address() as { port: number }).port), 'v3');
  server.closeAllConnections();
  server.close();
  await sleep(1);
});
