// A real haproxy on loopback in front of one tiny HTTPS server (apt package: haproxy).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Haproxy } from '../src/haproxy.ts';
import { freePorts } from '@hello/cli-kit/free-port';
import { selfSignedPem } from '../src/rehearsal-support.ts';

const installed = spawnSync('haproxy', ['-v']).error === undefined;

t.test(
  'drain, maint and ready through the runtime API',
  { skip: installed ? false : 'haproxy is not installed (apt-get install -y haproxy)' },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const pem = join(dir, 'lb.pem');
    selfSignedPem(pem);
    const key = readFileSync(pem, 'utf8');
    const backend = createServer({ cert: key, key }, (_req, res) => res.end('ok'));
    const [frontendPort, serverPort] = await freePorts(2);
    await new Promise<void>((r) => backend.listen(serverPort, '127.0.0.1', r));
    const lb = new Haproxy(
      {
        frontendPort: frontendPort!,
        certPem: pem,
        adminSocket: join(dir, 'admin.sock'),
        servers: [{ name: 'h1', port: serverPort! }],
        timeScale: 20,
        idleTimeoutSeconds: 60,
      },
      join(dir, 'haproxy.cfg'),
    );
    t.teardown(() => {
      lb.stop();
      backend.closeAllConnections();
      backend.close();
    });
    await lb.start();
    t.match(readFileSync(join(dir, 'haproxy.cfg'), 'utf8'), `server h1 127.0.0.1:${serverPort}`);
    t.equal((await lb.waitFor('h1', 'healthy', (s) => s.status === 'UP', 5000)).status, 'UP');
    await lb.setState('h1', 'drain');
    t.equal((await lb.stats()).get('h1')?.status, 'DRAIN');
    await lb.setState('h1', 'maint');
    t.equal((await lb.stats()).get('h1')?.status, 'MAINT');
    await lb.setState('h1', 'ready');
    t.equal((await lb.waitFor('h1', 'healthy', (s) => s.status === 'UP', 5000)).current, 0);
    await t.rejects(lb.setState('nope', 'drain'), /haproxy refused 'set server nope state drain'/);
    await t.rejects(
      lb.waitFor('h1', 'gone', () => false, 100),
      /h1 not gone after 100 ms \(status UP\)/,
    );
    await t.rejects(
      lb.waitFor('h9', 'there', () => false, 50),
      /status unknown/,
    );
  },
);

t.test(
  'a configuration haproxy rejects fails start with its message',
  { skip: installed ? false : 'haproxy is not installed' },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const lb = new Haproxy(
      {
        frontendPort: 1,
        certPem: join(dir, 'missing.pem'),
        adminSocket: join(dir, 'admin.sock'),
        servers: [{ name: 'h1', port: 2 }],
        timeScale: 1,
        idleTimeoutSeconds: 60,
      },
      join(dir, 'haproxy.cfg'),
    );
    await t.rejects(lb.start(), /haproxy exited with \d+:[\s\S]*missing\.pem/);
    lb.stop();
  },
);
