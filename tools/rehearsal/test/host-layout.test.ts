import t from 'tap';
import { HOST_PATHS } from '@hello/config/constants';
import { hookOverrides, hostLayout, mapHostPath } from '../src/host-layout.ts';

const h = hostLayout('/tmp/r/hosts', 'h1', 18441);

t.test('a host is a directory tree and a loopback port', async (t) => {
  t.equal(h.root, '/tmp/r/hosts/h1/opt');
  t.equal(h.logFile, '/tmp/r/hosts/h1/var/log/service.log');
  t.throws(() => hostLayout('/tmp', 'H 1', 1), /host name "H 1" is not allowed/);
});

t.test('the overrides point every hook path into the host', async (t) => {
  const o = hookOverrides(h, {
    serviceCtl: '/x/ctl',
    nodeBin: '/usr/bin/node',
    user: 'dev',
    validateTimeoutSeconds: 6,
  });
  t.equal(o.HELLO_BIND_HOST, '127.0.0.1', 'loopback only');
  t.equal(o.HELLO_PORT, '18441');
  t.equal(o.HELLO_VALIDATE_TIMEOUT_SECONDS, '6');
  for (const [name, value] of Object.entries(o)) {
    if (value.startsWith('/') && !['HELLO_SERVICE_CTL', 'HELLO_NODE_BIN'].includes(name))
      t.ok(value.startsWith(h.dir), `${name} stays inside the host`);
  }
});

t.test('appspec destinations map below the host root', async (t) => {
  t.equal(mapHostPath(h, `${HOST_PATHS.root}/incoming`), `${h.root}/incoming`);
  t.equal(mapHostPath(h, HOST_PATHS.root), h.root);
  t.throws(() => mapHostPath(h, '/etc/passwd'), /\/etc\/passwd is outside \/opt\/hello/);
  t.throws(() => mapHostPath(h, `${HOST_PATHS.root}x/y`), /is outside/);
});
