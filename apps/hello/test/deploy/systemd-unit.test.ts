// The rendered units (service and socket) pass `systemd-analyze verify` and keep the numbers the
// config defines.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  HOST_NODE_BIN,
  HOST_PATHS,
  NODE_MAJOR,
  SERVICE_NAME,
  SYSTEMD_STOP_TIMEOUT_SECONDS,
} from '@hello/config/constants';
import { SERVICE_ENV } from '@hello/config/service-env';
import { bundleTextFiles } from '../../scripts/bundle-text-files.ts';
import { nodeFlags } from '../../scripts/node-flags.ts';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const rendered = bundleTextFiles(join(appDir, 'deploy'));
const unit = rendered.find((f) => f.path === `deploy/${SERVICE_NAME}.service`)!.text;
const socket = rendered.find((f) => f.path === `deploy/${SERVICE_NAME}.socket`)!.text;
const directive = (name: string, text = unit): string[] =>
  [...text.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);
const installed = spawnSync('systemd-analyze', ['--version']).error === undefined;

/**
 * verify insists that ExecStart's binary exists. Where HOST_NODE_BIN is missing (a laptop, CI
 * without /usr/bin/node) only that path is swapped for the Node running this test.
 */
function analyze(
  verb: 'verify' | 'security',
  text: string,
  socketText = socket,
): { status: number | null; output: string } {
  const dir = t.testdir({});
  const file = join(dir, `${SERVICE_NAME}.service`);
  const socketFile = join(dir, `${SERVICE_NAME}.socket`);
  writeFileSync(
    file,
    existsSync(HOST_NODE_BIN) ? text : text.replace(`ExecStart=${HOST_NODE_BIN} `, `ExecStart=${process.execPath} `),
  );
  writeFileSync(socketFile, socketText);
  const args = verb === 'verify' ? ['verify', file, socketFile] : ['security', '--offline=true', '--no-pager', file];
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
const verify = (text: string, socketText?: string) => analyze('verify', text, socketText);
/** systemd-analyze's "Overall exposure level" of the unit (0 best, 10 worst). */
const exposure = (text: string): number =>
  Number(/Overall exposure level for \S+: (\d+\.\d+)/.exec(analyze('security', text).output)?.[1]);

t.test('the unit keeps the config numbers and the hardening', async (t) => {
  t.same(directive('TimeoutStopSec'), [String(SYSTEMD_STOP_TIMEOUT_SECONDS)]);
  t.same(directive('User'), [SERVICE_NAME]);
  t.same(directive('EnvironmentFile'), [HOST_PATHS.envFile]);
  t.same(directive('ExecStart'), [
    [HOST_NODE_BIN, ...nodeFlags(NODE_MAJOR), `${HOST_PATHS.current}/app/server.mjs`].join(' '),
  ]);
  t.same(directive('StandardOutput'), [`append:${HOST_PATHS.logFile}`]);
  t.same(directive('Restart'), ['always']);
  for (const [name, value] of [
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['CapabilityBoundingSet', ''],
    ['AmbientCapabilities', ''],
  ]) {
    t.same(directive(name!), [value], `${name}=${value}`);
  }
  t.same(directive('ReadWritePaths'), [], 'the service writes nowhere');
  // Read-only, written by AfterInstall into each release (test/deploy/compile-cache.test.ts).
  t.same(directive('Environment'), [`NODE_COMPILE_CACHE=${HOST_PATHS.compileCache}`]);
  t.same(directive('CacheDirectory'), [], 'no cache the service writes');
  t.same(directive('MemoryDenyWriteExecute'), [], "V8's JIT needs W+X memory");
  // os.networkInterfaces() (Fastify on 0.0.0.0) needs netlink; nothing else beyond IP and unix.
  t.same(directive('RestrictAddressFamilies'), ['AF_INET AF_INET6 AF_UNIX AF_NETLINK']);
});

t.test('the socket unit holds the address the service would bind, and the service takes it', async (t) => {
  const { HOST, PORT } = SERVICE_ENV;
  t.same(directive('ListenStream', socket), [`${HOST.default}:${PORT.default}`]);
  t.same(directive('Accept', socket), [], 'Accept=no (the default): one service gets the listening socket');
  t.same(directive('Sockets'), [`${SERVICE_NAME}.socket`], 'starting the service pulls the socket in first');
  t.same(directive('WantedBy', socket), ['sockets.target']);
});

t.test(
  'systemd-analyze security rates the unit 3.0 or better',
  { skip: installed ? false : 'systemd-analyze is not installed (apt-get install -y systemd)' },
  async (t) => {
    const score = exposure(unit);
    t.ok(score <= 3.0, `exposure ${score}`);
    const open = unit.replace(
      /^(NoNewPrivileges|CapabilityBoundingSet|ProtectSystem|ProtectHome|PrivateDevices|RestrictAddressFamilies)=.*\n/gm,
      '',
    );
    t.ok(exposure(open) > score + 1, 'and the score does see the hardening');
  },
);

t.test(
  'systemd-analyze verify is clean',
  { skip: installed ? false : 'systemd-analyze is not installed (apt-get install -y systemd)' },
  async (t) => {
    t.same(verify(unit), { status: 0, output: '' });
    const broken = verify(unit.replace('Restart=always', 'Restart=sometimes'));
    t.match(broken.output, /restart specifier/, 'and it does flag a bad value');
    const badSocket = verify(unit, socket.replace(/^ListenStream=.*$/m, 'ListenStream=nowhere:x'));
    t.match(badSocket.output, /ListenStream/, "and a bad socket unit's value");
  },
);
