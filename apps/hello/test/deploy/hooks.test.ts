// The real hooks from a packaged release, run the way the agent runs them, against a host tree
// in a temp directory and a service-control stand-in that records what it was asked to do.
import t from 'tap';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  readFileSync,
  readlinkSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { COMPILE_CACHE_ONLY_ENV, HOST_PATHS, NODE_MAJOR, SERVICE_NAME } from '@hello/config/constants';
import { buildRelease } from '../../scripts/build-release.ts';
import { KEEP_RELEASES, SOCKET_UNIT_NAME, UNIT_NAME } from '../../scripts/host-env.ts';
import { nodeFlags } from '../../scripts/node-flags.ts';
import { hookOverrides, hostLayout } from '@hello/rehearsal/host-layout';
import { runHook } from '@hello/rehearsal/run-hook';
import { freePorts } from '@hello/cli-kit/free-port';
import { NODE_HAS_COMPILE_CACHE } from '../helpers/compile-cache.ts';
import { MOTO_ENV, skipWithoutMoto, startMotoServer } from '../helpers/moto-server.ts';
import { fixtureProject } from '../helpers/parameter-fixtures.ts';

// Real processes (bash, openssl, Node, su): on a busy 2-core machine the file outlasts tap's
// default 30 s; each step is still bounded by its own timeout.
t.setTimeout(120_000);

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(join(tmpdir(), 'hooks-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const builtAt = new Date('2026-01-01T00:00:00Z');
// Fixture projects, so the hooks run the same whatever project.ts names: one that keeps nothing in
// SSM, and one that keeps a setting and a secret there (the SSM tests at the end).
const [built, builtWithParameters] = await Promise.all([
  buildRelease({
    appDir,
    version: 'v1',
    builtAt,
    outDir: work,
    hostToolEntry: 'test/helpers/host-tool-with-plain-fixtures.ts',
  }),
  buildRelease({
    appDir,
    version: 'v2',
    builtAt,
    outDir: work,
    hostToolEntry: 'test/helpers/host-tool-with-parameters.ts',
  }),
]);
function unpack(zipPath: string, archive: string): string {
  for (const [path, data] of Object.entries(unzipSync(readFileSync(zipPath)))) {
    mkdirSync(dirname(join(archive, path)), { recursive: true });
    writeFileSync(join(archive, path), data, { mode: path.endsWith('.sh') ? 0o755 : 0o644 });
  }
  return archive;
}
const archive = unpack(built.zipPath, join(work, 'archive'));
const archiveWithParameters = unpack(builtWithParameters.zipPath, join(work, 'archive-with-parameters'));
const [port, portWithParameters] = await freePorts(2);
const host = hostLayout(join(work, 'hosts'), 'h1', port!);
const calls = join(work, 'ctl-calls');
const ctl = join(work, 'fake-ctl');
// `is-failed` answers as $UNIT_STATE says (systemctl: exit 0 only when the unit has failed).
writeFileSync(
  ctl,
  `#!/bin/sh\ncase $1 in is-failed) [ "$UNIT_STATE" = failed ]; exit $? ;; esac\necho "$*" >> ${calls}\n`,
  { mode: 0o755 },
);
const env = {
  ...hookOverrides(host, {
    serviceCtl: ctl,
    nodeBin: process.execPath,
    user: userInfo().username,
    validateTimeoutSeconds: 1,
  }),
  DEPLOYMENT_GROUP_NAME: 'staging',
};
const hook = (name: string, over: Record<string, string> = {}) =>
  runHook(archive, [{ location: `hooks/${name}`, timeout: 60 }], { ...env, ...over });
const ctlCalls = (): string[] => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []);

t.test('ApplicationStop on a fresh host does nothing and succeeds', async (t) => {
  const r = await hook('application-stop.sh');
  t.equal(r.ok, true, r.output);
  t.match(r.output, /no hello\.service installed yet: nothing to stop/);
  t.same(ctlCalls(), []);
});

t.test('BeforeInstall prepares the directories, twice without harm', async (t) => {
  for (let i = 0; i < 2; i++) t.equal((await hook('before-install.sh')).ok, true);
  for (const dir of [join(host.root, 'releases'), join(host.root, 'incoming'), host.logDir, host.unitDir])
    t.ok(statSync(dir).isDirectory(), dir);
  t.equal(statSync(host.tlsDir).mode & 0o777, 0o750, 'the key directory is closed to others');
});

t.test('AfterInstall needs the deployment group', async (t) => {
  cpSync(archive, join(host.root, 'incoming'), { recursive: true }); // the agent's Install step
  const r = await hook('after-install.sh', { DEPLOYMENT_GROUP_NAME: '' });
  t.equal(r.ok, false);
  t.match(r.output, /DEPLOYMENT_GROUP_NAME is not set: CodeDeploy sets it to the deployment group/);
  const wrong = await hook('after-install.sh', { DEPLOYMENT_GROUP_NAME: 'hello-staging' });
  t.equal(wrong.ok, false);
  t.match(wrong.output, /deployment group "hello-staging" is not a stage/);
  t.notOk(existsSync(join(host.root, 'current')), 'nothing switched');
});

t.test('AfterInstall installs a verified release and everything around it', async (t) => {
  for (const [name, age] of [
    ['old1', 300],
    ['old2', 200],
    ['old3', 100],
  ] as const) {
    mkdirSync(join(host.root, 'releases', name));
    utimesSync(join(host.root, 'releases', name), new Date(Date.now() - age * 1000), new Date(Date.now() - age * 1000));
  }
  const r = await hook('after-install.sh');
  t.equal(r.ok, true, r.output);
  t.equal(readlinkSync(join(host.root, 'current')), 'releases/v1', 'relative link, switched by rename');
  t.same(
    readdirSync(join(host.root, 'releases')).sort(),
    ['old2', 'old3', 'v1'].slice(3 - KEEP_RELEASES).sort(),
    `keeps ${KEEP_RELEASES}`,
  );
  const envFile = readFileSync(host.envFile, 'utf8');
  t.match(envFile, /^STAGE=staging$/m);
  t.match(envFile, /^RELEASE_VERSION=v1$/m);
  t.match(envFile, new RegExp(`^PORT=${port}$`, 'm'));
  t.match(envFile, new RegExp(`^TLS_KEY_FILE=${host.tlsDir}/key\\.pem$`, 'm'));
  t.equal(statSync(host.envFile).mode & 0o777, 0o640);
  t.equal(statSync(join(host.tlsDir, 'key.pem')).mode & 0o777, 0o640);
  const unit = readFileSync(join(host.unitDir, UNIT_NAME), 'utf8');
  t.match(unit, `EnvironmentFile=${host.envFile}\n`);
  t.match(
    unit,
    `ExecStart=${[process.execPath, ...nodeFlags(NODE_MAJOR)].join(' ')} ${host.root}/current/app/server.mjs\n`,
  );
  t.match(unit, `StandardOutput=append:${host.logFile}\n`);
  t.notMatch(unit, HOST_PATHS.root, 'every host path moved');
  t.match(readFileSync(join(host.logrotateDir, SERVICE_NAME), 'utf8'), `${host.logFile} {`);
  t.same(ctlCalls(), ['daemon-reload', `enable ${SOCKET_UNIT_NAME}`, `enable ${UNIT_NAME}`]);
  t.match(
    readFileSync(join(host.unitDir, SOCKET_UNIT_NAME), 'utf8'),
    `\nListenStream=127.0.0.1:${port}\n`,
    'the socket unit listens where the env file tells the service to',
  );
  t.match(unit, `Environment=NODE_COMPILE_CACHE=${host.root}/current/compile-cache\n`);
});

t.test('AfterInstall warms the compile cache into the release, read-only to the service', async (t) => {
  const cache = join(host.root, 'releases', 'v1', 'compile-cache');
  const cacheLine = `compile cache ${host.root}/current/compile-cache: `;
  const r = await hook('after-install.sh');
  t.equal(r.ok, true, r.output);
  t.equal(statSync(cache).mode & 0o777, 0o755);
  if (!NODE_HAS_COMPILE_CACHE) {
    t.match(
      r.output,
      `${cacheLine}empty, ${process.execPath} wrote none (NODE_COMPILE_CACHE needs Node 22.1 or later)`,
    );
    t.same(
      readdirSync(cache),
      [],
      `Node ${process.version} ignores NODE_COMPILE_CACHE; the hook succeeds all the same`,
    );
    return;
  }
  // Node's directory for the service user's uid (tap's loaders add entries of their own here).
  const tags = readdirSync(cache);
  t.match(tags, [new RegExp(`^v${process.versions.node}-.*-${process.getuid!()}$`)]);
  t.match(r.output, `${cacheLine}${tags[0]}/`);
  for (const name of readdirSync(join(cache, tags[0]!))) {
    const stat = statSync(join(cache, tags[0]!, name));
    t.equal(stat.mode & 0o777, 0o644, name);
    t.equal(stat.uid, process.getuid!(), `${name} belongs to the user running the hook`);
  }
});

t.test('AfterInstall goes on without a compile cache when the warm-up fails', async (t) => {
  // A Node binary that runs everything but the warm-up (the unit's ExecStart uses it too).
  const node = join(work, 'node-without-warm-up');
  writeFileSync(
    node,
    `#!/bin/sh\n[ "$${COMPILE_CACHE_ONLY_ENV}" != 1 ] || { echo 'warm-up broke' >&2; exit 3; }\nexec ${process.execPath} "$@"\n`,
    { mode: 0o755 },
  );
  const old = join(host.root, 'releases', 'old0');
  mkdirSync(old);
  utimesSync(old, new Date(1000), new Date(1000));
  const r = await hook('after-install.sh', { HELLO_NODE_BIN: node });
  t.equal(r.ok, true, r.output);
  t.match(r.output, /warm-compile-cache: .*node-without-warm-up .*exited with 3: warm-up broke/);
  t.match(r.output, /warning: no compile cache for v1 \(error above\); the service starts without one, only slower/);
  t.notOk(existsSync(old), 'the step after it (pruning) ran');
  await hook('after-install.sh'); // the next tests expect this Node in the unit
});

t.test('AfterInstall again keeps a valid certificate and the release', async (t) => {
  const cert = readFileSync(join(host.tlsDir, 'cert.pem'));
  const r = await hook('after-install.sh');
  t.equal(r.ok, true, r.output);
  t.match(r.output, /is valid for 30 days or more/);
  t.same(readFileSync(join(host.tlsDir, 'cert.pem')), cert);
});

t.test('ApplicationStop, ApplicationStart go through the service-control command', async (t) => {
  writeFileSync(calls, '');
  t.equal((await hook('application-stop.sh')).ok, true);
  t.equal((await hook('application-start.sh')).ok, true);
  t.same(ctlCalls(), [
    `stop ${SOCKET_UNIT_NAME}`, // first: nothing queues behind the stopping service
    `stop ${UNIT_NAME}`,
    `reset-failed ${SOCKET_UNIT_NAME}`,
    `reset-failed ${UNIT_NAME}`,
    `start ${SOCKET_UNIT_NAME}`, // before the service takes it as fd 3
    `restart ${UNIT_NAME}`,
  ]);
});

t.test('ValidateService gives up at its bound and shows the last log lines', async (t) => {
  writeFileSync(host.logFile, 'hello: cannot start: something specific\n');
  const r = await hook('validate-service.sh');
  t.equal(r.ok, false);
  t.match(r.output, /\[probe\] not reachable/);
  t.match(
    r.output,
    /version v1 did not become healthy within 1s; last lines of .*service\.log:\nhello: cannot start: something specific/,
  );
});

t.test('ValidateService stops waiting once the unit has failed', async (t) => {
  const r = await hook('validate-service.sh', { UNIT_STATE: 'failed', HELLO_VALIDATE_TIMEOUT_SECONDS: '60' });
  t.equal(r.ok, false);
  t.ok(r.ms < 30_000, `over in ${Math.round(r.ms)} ms, not after the 60 s bound`);
  t.match(
    r.output,
    /hello\.service has failed \(systemd stopped restarting it\); last lines of .*service\.log:\nhello: cannot start: something specific/,
  );
});

t.test('bad overrides fail before anything happens', async (t) => {
  const port = await hook('application-stop.sh', { HELLO_PORT: '0' });
  t.equal(port.ok, false);
  t.match(port.output, /HELLO_PORT='0' is not allowed; expected a port number from 1 to 65535/);
  t.match((await hook('application-stop.sh', { HELLO_PORT: '70000' })).output, /HELLO_PORT='70000' is not allowed/);
  t.match(
    (await hook('application-stop.sh', { HELLO_ROOT: 'relative/dir' })).output,
    /path 'relative\/dir' is not allowed/,
  );
  t.match(
    (await hook('application-stop.sh', { HELLO_VALIDATE_TIMEOUT_SECONDS: '0' })).output,
    /HELLO_VALIDATE_TIMEOUT_SECONDS='0' is not allowed/,
  );
});

t.test(
  "AfterInstall reads the stage's settings and secrets from SSM (moto_server), never showing a value",
  { skip: skipWithoutMoto() },
  async (t) => {
    const moto = await startMotoServer();
    t.teardown(() => moto.stop());
    const h2 = hostLayout(join(work, 'hosts'), 'h2', portWithParameters!);
    // The compile cache's warm-up (tested above) left out: this Node exits at once when asked for it.
    const node = join(work, 'node-without-cache');
    writeFileSync(node, `#!/bin/sh\n[ "$${COMPILE_CACHE_ONLY_ENV}" != 1 ] || exit 0\nexec ${process.execPath} "$@"\n`, {
      mode: 0o755,
    });
    // The agent's environment on a host has no AWS_*: the SDK uses the instance role. Here the
    // standard variables point it at the stand-in, as the rehearsal does.
    const env2 = {
      ...hookOverrides(h2, { serviceCtl: ctl, nodeBin: node, user: userInfo().username, validateTimeoutSeconds: 1 }),
      ...MOTO_ENV,
      AWS_ENDPOINT_URL: moto.endpoint,
      DEPLOYMENT_GROUP_NAME: 'staging',
    };
    const hook2 = (name: string) => runHook(archiveWithParameters, [{ location: `hooks/${name}`, timeout: 60 }], env2);
    const region = fixtureProject.aws.region;
    const [first, rotated] = ['tok-first!0a1b', 'tok-rotated#2c3d'];
    t.equal((await hook2('before-install.sh')).ok, true);
    cpSync(archiveWithParameters, join(h2.root, 'incoming'), { recursive: true });

    const missingSecret = await hook2('after-install.sh');
    t.equal(missingSecret.ok, false, 'a missing secret fails the deployment');
    t.match(
      missingSecret.output,
      'API_TOKEN: secret /shop/staging/api-token does not exist; put it with: aws ssm put-parameter',
    );
    t.notOk(existsSync(h2.envFile), 'no env file');
    t.notOk(existsSync(join(h2.root, 'current')), 'nothing switched');

    await moto.put(region, '/shop/staging/api-token', first, 'SecureString');
    await moto.put(region, '/shop/staging/greeting', 'hi', 'String');
    const ok = await hook2('after-install.sh');
    t.equal(ok.ok, true, ok.output);
    t.match(ok.output, 'GREETING from /shop/staging/greeting\nAPI_TOKEN from /shop/staging/api-token (secret)\n');
    t.match(readFileSync(h2.envFile, 'utf8'), `\nGREETING=hi\nAPI_TOKEN=${first}\n`);
    t.equal(statSync(h2.envFile).mode & 0o777, 0o640, 'not world-readable');
    t.notMatch(ok.output, first, "the secret is not in the hook's output");

    // Rotation: a new value, and the next deployment of the same revision (`release redeploy`) takes it.
    await moto.put(region, '/shop/staging/api-token', rotated, 'SecureString');
    const again = await hook2('after-install.sh');
    t.equal(again.ok, true, again.output);
    t.match(readFileSync(h2.envFile, 'utf8'), `\nAPI_TOKEN=${rotated}\n`);
    for (const value of [first, rotated]) t.notMatch(again.output, value);
  },
);
