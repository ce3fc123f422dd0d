// The rehearsal's systemctl stand-in, unit-exec.py and socket-unit.py: the unit's own settings,
// sandbox and socket, as systemd applies them. As root (of the test run's namespaces: see src/in-namespace.ts), since
// it switches users.
import t, { type Test } from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { freePorts } from '@hello/cli-kit/free-port';
import { reachableNode } from '../src/rehearsal-support.ts';
import { asRoot } from './helpers/as-root.ts';
import { waitUntil } from './helpers/wait-until.ts';

// Real processes (bash, Python, Node): on a busy 2-core machine the file outlasts tap's default
// 30 s; each step is still bounded by its own timeout.
t.setTimeout(120_000);

const here = dirname(fileURLToPath(import.meta.url));
const ctlPath = join(here, '../src/service-ctl.sh');
// The sandbox of the service's unit (apps/hello/deploy): the settings the stand-in applies.
const sandbox = [
  '[Unit]',
  'StartLimitIntervalSec=60',
  'StartLimitBurst=5',
  '[Service]',
  'Type=simple',
  'User=hello',
  'Group=hello',
  'EnvironmentFile=/etc/hello/hello.env',
  'WorkingDirectory=/opt/hello/current',
  'ExecStart=/usr/bin/node /opt/hello/current/app/server.mjs',
  'Restart=always',
  'RestartSec=1',
  'TimeoutStopSec=30',
  'StandardOutput=append:/var/log/hello/service.log',
  'StandardError=append:/var/log/hello/service.log',
  'UMask=0077',
  'NoNewPrivileges=yes',
  'CapabilityBoundingSet=',
  'AmbientCapabilities=',
  'ProtectSystem=strict',
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
  '',
].join('\n');

/** A world-reachable folder (the service's user must reach it) with units/, state/ and env. */
function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'service-ctl-'));
  chmodSync(dir, 0o755);
  execFileSync('mkdir', [join(dir, 'units'), join(dir, 'state')]);
  writeFileSync(join(dir, 'env'), 'GREETING=hi\nnot a variable\n');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out.log');
  const ctl = (...args: string[]) =>
    spawnSync(ctlPath, args, {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HELLO_UNIT_DIR: join(dir, 'units'), HELLO_SUPERVISOR_DIR: join(dir, 'state') },
    });
  const unit = (text: string) => writeFileSync(join(dir, 'units', 'x.service'), text);
  t.teardown(() => {
    ctl('stop', 'x.service');
    ctl('stop', 'x.socket');
  });
  return { dir, out, ctl, unit, log: () => readFileSync(out, 'utf8') };
}

t.test('start, is-active, stop, restart on exit, start limit and errors', asRoot, async (t) => {
  const { dir, out, ctl, unit, log } = setup(t);
  const service = (body: string, extra: string[] = []) => {
    writeFileSync(join(dir, 'main.sh'), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    unit(
      [
        '[Unit]',
        'StartLimitIntervalSec=60',
        'StartLimitBurst=3',
        '[Service]',
        `EnvironmentFile=${join(dir, 'env')}`,
        'Environment="A=one two" B=2',
        `WorkingDirectory=${dir}`,
        `ExecStart=${join(dir, 'main.sh')} --flag`,
        'Restart=always',
        'RestartSec=0.1',
        'TimeoutStopSec=2',
        'UMask=0027',
        `StandardOutput=append:${out}`,
        ...extra,
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
    );
  };
  service('echo "$GREETING $A $B from $PWD with $1 umask $(umask)"; exec sleep 30');
  t.equal(ctl('daemon-reload').status, 0);
  t.equal(ctl('enable', 'x.service').status, 0);
  t.equal(
    readlinkSync(join(dir, 'units/multi-user.target.wants/x.service')),
    '../x.service',
    'enabled as systemctl does: a link in the WantedBy= target',
  );
  t.equal(ctl('is-active', 'x.service').status, 3, 'inactive before start');
  t.equal(ctl('start', 'x.service').status, 0);
  t.equal(ctl('start', 'x.service').status, 0, 'start is idempotent');
  t.equal(ctl('is-active', 'x.service').stdout, 'active\n');
  await waitUntil(() => existsSync(out) && log().endsWith('\n'), 'the first line');
  t.equal(
    log(),
    `hi one two 2 from ${dir} with --flag umask 0027\n`,
    'environment, working directory, arguments and umask as the unit says',
  );
  t.equal(ctl('stop', 'x.service').status, 0);
  t.equal(ctl('is-active', 'x.service').stdout, 'inactive\n');
  t.equal(ctl('stop', 'x.service').status, 0, 'stopping a stopped unit succeeds');

  service("trap '' TERM; echo deaf; sleep 30 & wait");
  t.equal(ctl('restart', 'x.service').status, 0);
  await waitUntil(() => log().includes('deaf'), 'a service that ignores SIGTERM');
  t.match(ctl('stop', 'x.service').stderr, /did not stop within 2s: SIGKILL/, 'TimeoutStopSec, then SIGKILL');

  service('exit 1');
  t.equal(ctl('start', 'x.service').status, 0);
  await waitUntil(() => ctl('is-failed', '--quiet', 'x.service').status === 0, 'the start limit');
  t.match(log(), /main process exited, status=1; restarting in 0\.1s \(Restart=always\)/);
  t.match(log(), /Start request repeated too quickly\.\n.*Failed with result 'start-limit-hit'\./);
  t.same(
    [ctl('is-failed', 'x.service').status, ctl('is-active', 'x.service').stdout],
    [0, 'failed\n'],
    'failed once the start limit is hit',
  );
  t.match(ctl('start', 'x.service').stderr, /start-limit-hit/, 'and stays failed until reset-failed');
  t.equal(ctl('reset-failed', 'x.service').status, 0);
  t.equal(ctl('is-failed', '--quiet', 'x.service').status, 1);

  t.equal(ctl('stop', 'missing.service').status, 5, 'unknown units are "not loaded", like systemctl');
  t.equal(ctl('bogus', 'x.service').status, 2);
  t.equal(ctl().status, 2);
});

// A service that lists the host's interfaces, as Fastify does on 0.0.0.0, then stays up.
const probe = (node: string) =>
  `${node} -e "console.log('interfaces', Object.keys(require('os').networkInterfaces()).length > 0, 'uid', process.getuid(), require('fs').readFileSync('/proc/self/status', 'utf8').match(/^(NoNewPrivs|CapEff|CapBnd):.*$/gm).join(' ')); setInterval(() => {}, 1000)"`;
// Debian calls nobody's group nogroup, other systems nobody.
const nobodyGroup = execFileSync('id', ['-gn', 'nobody'], { encoding: 'utf8' }).trim();
/** The service's sandbox, pointed at this test's files, optionally changed. */
const shippedUnit = (dir: string, out: string, user: string, edit: (u: string) => string = (u) => u) =>
  edit(sandbox)
    .replace(/^ExecStart=.*$/m, `ExecStart=${probe(reachableNode(dir))}`)
    .replace(/^EnvironmentFile=.*$/m, `EnvironmentFile=${join(dir, 'env')}`)
    .replace(/^WorkingDirectory=.*$/m, `WorkingDirectory=${dir}`)
    .replace(/^User=.*$/m, `User=${user}`)
    .replace(/^Group=.*$/m, `Group=${user === 'nobody' ? nobodyGroup : user}`)
    .replace(/^StartLimitIntervalSec=.*$/m, 'StartLimitIntervalSec=60')
    .replace(/^RestartSec=.*$/m, 'RestartSec=0.1')
    .replaceAll(/^Standard(Output|Error)=.*$/gm, `Standard$1=append:${out}`);

t.test("the shipped unit's sandbox: its user, no privileges, and the address families it allows", asRoot, async (t) => {
  const { dir, out, ctl, unit, log } = setup(t);
  unit(shippedUnit(dir, out, 'nobody'));
  t.equal(ctl('start', 'x.service').status, 0);
  await waitUntil(() => existsSync(out) && log().includes('interfaces'), 'the service');
  t.match(
    log(),
    /^interfaces true uid 65534 CapEff:\t0+ CapBnd:\t0+ NoNewPrivs:\t1$/m,
    'runs as User=, with no new privileges and no capabilities',
  );
  t.equal(ctl('is-active', 'x.service').stdout, 'active\n');
  t.equal(ctl('stop', 'x.service').status, 0);
});

t.test('a unit that forbids AF_NETLINK fails while the service calls os.networkInterfaces()', asRoot, async (t) => {
  const { dir, out, ctl, unit, log } = setup(t);
  unit(
    shippedUnit(dir, out, 'nobody', (u) =>
      u.replace(/^RestrictAddressFamilies=.*$/m, 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'),
    ),
  );
  t.equal(ctl('start', 'x.service').status, 0);
  await waitUntil(() => ctl('is-failed', '--quiet', 'x.service').status === 0, 'the start limit');
  t.equal(ctl('is-active', 'x.service').stdout, 'failed\n', 'crash loop, then start-limit-hit');
  t.match(log(), /uv_interface_addresses returned Unknown system error 97/, "Node's own error for EAFNOSUPPORT");
  t.match(log(), /Failed with result 'start-limit-hit'/);
});

t.test('a User= that does not exist fails the start, as systemd does (217/USER)', asRoot, async (t) => {
  const { dir, out, ctl, unit, log } = setup(t);
  unit(shippedUnit(dir, out, 'no-such-user-here'));
  t.equal(ctl('start', 'x.service').status, 0);
  await waitUntil(() => ctl('is-failed', '--quiet', 'x.service').status === 0, 'the start limit');
  t.match(log(), /Failed to determine user credentials: No such process \(User=no-such-user-here\)/);
  t.match(log(), /status=217/);
});

t.test('a socket unit: bound at start, kept across restarts, passed as fd 3, closed at stop', async (t) => {
  const { dir, out, ctl, unit, log } = setup(t);
  const [port] = await freePorts(1);
  // Answers each connection with what sd_listen_fds(3) checks: its pid, LISTEN_PID, LISTEN_FDS.
  writeFileSync(
    join(dir, 'main.js'),
    `const env = process.env;
     if (env.LISTEN_PID === undefined) { console.log('no socket passed'); setInterval(() => {}, 1000); }
     else require('net').createServer((c) => c.end([process.pid, env.LISTEN_PID, env.LISTEN_FDS, env.LISTEN_FDNAMES].join(' ')))
       .listen({ fd: 3 }, () => console.log('listening', process.pid));`,
  );
  unit(
    [
      '[Service]',
      `ExecStart=${reachableNode(dir)} ${join(dir, 'main.js')}`,
      'Restart=always',
      'RestartSec=0.5',
      `StandardOutput=append:${out}`,
      '',
    ].join('\n'),
  );
  const socketUnit = (listen: string) =>
    writeFileSync(
      join(dir, 'units', 'x.socket'),
      `[Socket]\nListenStream=${listen}\n[Install]\nWantedBy=sockets.target\n`,
    );
  socketUnit(`127.0.0.1:${port}`);
  const ask = () =>
    new Promise<string>((resolve, reject) => {
      const c = connect(port!, '127.0.0.1');
      let text = '';
      c.setEncoding('utf8').on('data', (d: string) => (text += d));
      c.on('end', () => resolve(text)).on('error', reject);
    });

  t.equal(ctl('enable', 'x.socket').status, 0);
  t.equal(readlinkSync(join(dir, 'units/sockets.target.wants/x.socket')), '../x.socket', 'WantedBy=sockets.target');
  t.equal(ctl('start', 'x.socket').status, 0);
  t.equal(ctl('start', 'x.service').status, 0);
  await waitUntil(() => /listening/.test(log()), 'the service');
  const [pid, listenPid, fds, names] = (await ask()).split(' ');
  t.same([listenPid, fds, names], [pid, '1', 'x.socket'], "LISTEN_PID is the service's own pid, one fd, named");

  // Killed (SIGKILL): the socket stays open, so a connection made during RestartSec waits for the next.
  process.kill(Number(readFileSync(join(dir, 'state/x.service/main.pid'), 'utf8')), 'SIGKILL');
  const next = (await ask()).split(' ');
  t.not(next[0], pid, 'answered by the next process');
  t.equal(next[1], next[0]);
  t.match(log(), /main process exited, status=137; restarting in 0\.5s/);

  // Stopped: the socket is closed (once no process holds it), and a restart gets none.
  t.equal(ctl('stop', 'x.socket').status, 0);
  t.equal(ctl('restart', 'x.service').status, 0);
  await waitUntil(() => /no socket passed/.test(log()), 'a start without the socket');
  await t.rejects(ask(), { code: 'ECONNREFUSED' }, 'nothing listens once the socket unit stopped');
  t.equal(ctl('stop', 'x.service').status, 0);
  // Sockets= pulls the socket unit in: starting the service starts it first.
  writeFileSync(
    join(dir, 'units/x.service'),
    `[Service]\nSockets=x.socket\n${readFileSync(join(dir, 'units/x.service'), 'utf8').slice(10)}`,
  );
  t.equal(ctl('start', 'x.service').status, 0);
  t.equal(ctl('is-active', 'x.socket').stdout, 'active\n', 'Sockets=: the socket unit started with the service');
  await waitUntil(() => /listening/.test(log().split('no socket passed')[1]!), 'the service on its socket');
  t.equal(ctl('stop', 'x.service').status, 0);
  t.equal(ctl('stop', 'x.socket').status, 0);

  // An address it cannot bind fails the start, in systemd's words.
  const busy = createServer().listen(port, '127.0.0.1');
  await once(busy, 'listening');
  t.teardown(() => busy.close());
  const failed = ctl('start', 'x.socket');
  t.equal(failed.status, 1);
  t.match(
    failed.stderr,
    /Failed to create listening socket \(127\.0\.0\.1:\d+\): Address already in use\nJob for x\.socket failed\./,
  );
  socketUnit('nowhere:x');
  t.match(ctl('start', 'x.socket').stderr, /ListenStream=nowhere:x: expected/);
});
