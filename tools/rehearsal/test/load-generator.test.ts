// The load generator against a loopback HTTPS server whose answers the test picks.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyCounts, LoadGenerator } from '../src/load-generator.ts';
import { freePorts, selfSignedPem } from '../src/rehearsal-support.ts';
import { waitUntil } from './helpers/wait-until.ts';

const pem = join(mkdtempSync(join(tmpdir(), 'load-')), 'server.pem');
const ca = selfSignedPem(pem);
const key = readFileSync(pem, 'utf8');
let answer: (res: ServerResponse) => void = (res) => res.end('{"version":"v1"}');
let served = 0;
const server = createServer({ cert: key, key }, (_req, res) => {
  served++;
  answer(res);
});
/** Waits until the server has seen `n` more requests. */
const more = (n: number) => {
  const until = served + n;
  return waitUntil(() => served >= until, `${n} requests`);
};
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
t.teardown(() => {
  server.closeAllConnections();
  server.close();
});

t.test('counts requests and the versions that answered, over a verified TLS connection', async (t) => {
  const load = new LoadGenerator({ port, path: '/version', ca, concurrency: 2, pauseMs: 1 });
  load.start();
  await more(5);
  const window = load.takeCounts();
  answer = (res) => res.end('{"version":"v2"}');
  await more(5);
  const rest = await load.stop();
  t.ok(window.sent > 0 && window.failed === 0, `${window.sent} sent`);
  t.ok((window.versions.v1 ?? 0) > 0);
  t.ok((rest.versions.v2 ?? 0) > 0, 'the next window sees the new version');
});

t.test('non-2xx answers, non-JSON bodies and socket errors are failures', async (t) => {
  answer = (res) => res.writeHead(503).end('draining');
  const load = new LoadGenerator({ port, path: '/version', ca, concurrency: 1 });
  load.start();
  await more(3);
  const counts = load.takeCounts();
  answer = (res) => res.end('not json');
  await more(3);
  const notJson = await load.stop();
  t.ok(counts.sent > 0);
  t.equal(counts.failed, counts.sent);
  t.match(counts.failures[0], /^HTTP 503: draining/);
  t.ok(counts.failures.length <= 5, 'keeps only the first few');
  t.ok(notJson.failures.some((f) => /HTTP 200 without JSON: not json/.test(f)));

  const [closed] = await freePorts(1);
  const refused = new LoadGenerator({ port: closed!, path: '/', ca, concurrency: 1, timeoutMs: 200 });
  refused.start(); // each worker's first request is under way once start() returns
  const c = await refused.stop();
  t.match(c.failures[0], /^socket: .*ECONNREFUSED/);
  t.same(emptyCounts(), { sent: 0, failed: 0, versions: {}, failures: [] });
});

t.test('a server that never answers times out', async (t) => {
  answer = () => {};
  const load = new LoadGenerator({ port, path: '/', ca, timeoutMs: 100 });
  load.start();
  const c = await load.stop();
  t.match(c.failures[0], /socket: timed out/);
});
