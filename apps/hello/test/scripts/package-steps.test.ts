import t from 'tap';
import { resolveReleaseVersion, type Git } from '../../scripts/release-version.ts';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  COMPILE_CACHE_ONLY_ENV,
  HOST_PATHS,
  SERVICE_PORT,
  SYSTEMD_STOP_TIMEOUT_SECONDS,
  MAX_SHUTDOWN_GRACE_MS,
} from '@hello/config/constants';
import { COMPILE_CACHE_GUARD, SERVER_FILE, bundleServer } from '../../scripts/bundle-code.ts';
import { bundleTextFiles } from '../../scripts/bundle-text-files.ts';
import { RUNNING_NODE_MAJOR, SEMI_SPACE_MIB, nodeFlags } from '../../scripts/node-flags.ts';
import { renderTemplate } from '../../scripts/render-template.ts';
import { unzipSync } from 'fflate';
import { zipFiles } from '../../scripts/zip-files.ts';
import { zipEntries } from './zip-entries.ts';
import { HOST_ENV, INCOMING_DIR, renderHostEnv } from '../../scripts/host-env.ts';
import {
  HOOK_NAMES,
  HOOK_SCRIPTS,
  HOOK_TIMEOUT_SECONDS,
  VALIDATE_TIMEOUT_SECONDS,
} from '../../scripts/hook-timeouts.ts';

t.test('release-version.ts', async (t) => {
  const git =
    (answers: Record<string, string>): Git =>
    (args) => {
      const answer = answers[args.join(' ')];
      if (answer === undefined) throw new Error('not a git repository');
      return answer;
    };
  const inRepo = git({ 'rev-parse HEAD': 'abc123', 'log -1 --format=%cI': '2026-05-06T07:08:09+02:00' });

  t.test('--version, then RELEASE_VERSION, then the commit', async (t) => {
    t.same(resolveReleaseVersion({ flag: 'v1', env: { RELEASE_VERSION: 'v2' }, git: inRepo }).source, '--version');
    t.equal(resolveReleaseVersion({ env: { RELEASE_VERSION: 'v2' }, git: inRepo }).version, 'v2');
    const fromGit = resolveReleaseVersion({ env: { RELEASE_VERSION: '' }, git: inRepo });
    t.same([fromGit.version, fromGit.source], ['abc123', 'git HEAD']);
    t.equal(fromGit.builtAt.toISOString(), '2026-05-06T05:08:09.000Z', 'the commit time, not the clock');
  });

  t.test('SOURCE_DATE_EPOCH wins over the commit time', async (t) => {
    const r = resolveReleaseVersion({ env: { SOURCE_DATE_EPOCH: '1700000000' }, git: inRepo });
    t.equal(r.builtAt.toISOString(), '2023-11-14T22:13:20.000Z');
    t.throws(
      () => resolveReleaseVersion({ env: { SOURCE_DATE_EPOCH: 'yesterday' }, git: inRepo }),
      /SOURCE_DATE_EPOCH="yesterday" is not allowed/,
    );
  });

  t.test('clear errors outside git and for bad versions', async (t) => {
    t.throws(() => resolveReleaseVersion({ env: {}, git: git({}) }), /no release version: pass --version/);
    t.throws(
      () => resolveReleaseVersion({ flag: 'v1', env: {}, git: git({}) }),
      /no build time: set SOURCE_DATE_EPOCH/,
    );
    t.throws(
      () => resolveReleaseVersion({ flag: 'v1', env: {}, git: git({ 'log -1 --format=%cI': '' }) }),
      /no build time/,
    );
    t.throws(
      () => resolveReleaseVersion({ env: { RELEASE_VERSION: '../x' }, git: inRepo }),
      /release version "\.\.\/x" \(from RELEASE_VERSION\) is not allowed/,
    );
  });
});

// The server bundle's first statement: with COMPILE_CACHE_ONLY_ENV=1 it exits 0 before any of
// the service runs, after Node compiled it (which is when Node makes the compile cache entry).
t.test('bundle-code.ts', async (t) => {
  const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const dir = t.testdir({});
  for (const file of await bundleServer(appDir, 'src/server.ts')) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.data);
  }
  const server = join(dir, SERVER_FILE);
  // No service variables at all: the service itself would refuse to start (no TLS files). Through
  // `env -u NODE_OPTIONS`: tap puts its coverage loaders there, which would add cache entries.
  const run = (env: Record<string, string>) =>
    spawnSync('env', ['-u', 'NODE_OPTIONS', process.execPath, server], { env, encoding: 'utf8', timeout: 20_000 });

  t.test('the guard is the first line and exits 0 at once, silently', async (t) => {
    t.equal(readFileSync(server, 'utf8').split('\n')[0], COMPILE_CACHE_GUARD);
    const started = performance.now();
    const guarded = run({ [COMPILE_CACHE_ONLY_ENV]: '1' });
    t.same(
      { status: guarded.status, stdout: guarded.stdout, stderr: guarded.stderr },
      { status: 0, stdout: '', stderr: '' },
    );
    t.ok(performance.now() - started < 10_000, 'no listening, no waiting');
    const service = run({ [COMPILE_CACHE_ONLY_ENV]: '0' });
    t.equal(service.status, 1, 'any other value runs the service (which here has no certificate)');
    t.match(service.stderr, /hello: cannot start/);
  });

  t.test('and Node has written the compile cache by then', async (t) => {
    const cache = join(dir, 'compile-cache');
    t.equal(run({ [COMPILE_CACHE_ONLY_ENV]: '1', NODE_COMPILE_CACHE: cache }).status, 0);
    const tags = readdirSync(cache);
    t.match(
      tags,
      [new RegExp(`^v${process.versions.node}-.*-${process.getuid!()}$`)],
      'one directory for this Node and this uid',
    );
    t.equal(readdirSync(join(cache, tags[0]!)).length, 1, 'one entry: the one module');
  });
});

t.test('bundle-text-files.ts', async (t) => {
  t.test('a deploy folder without all hooks is refused', async (t) => {
    const dir = t.testdir({
      'appspec.yml': 'version: 0.0\n',
      'hello.service': '[Unit]\n',
      'hello.logrotate': '',
      hooks: { 'common.sh': '', 'application-stop.sh': '' },
    });
    t.throws(
      () => bundleTextFiles(dir),
      /hooks is missing before-install\.sh, after-install\.sh, application-start\.sh, validate-service\.sh/,
    );
  });
});

// The unit's V8 options: which Node lines get them (their effect is measured by `pnpm bench`).
t.test('node-flags.ts', async (t) => {
  t.test('Node 24 and later get the young-generation cap; Node 22 gets no flag', async (t) => {
    t.same(nodeFlags(22), []);
    t.same(nodeFlags(24), [`--max-semi-space-size=${SEMI_SPACE_MIB}`]);
    t.same(nodeFlags(26), nodeFlags(24));
    t.equal(RUNNING_NODE_MAJOR, Number(/^v(\d+)\./.exec(process.version)![1]));
  });
});

t.test('render-template.ts', async (t) => {
  t.test('fills placeholders and refuses unknown ones', async (t) => {
    t.equal(
      renderTemplate('x', 'port @@PORT@@, user @@USER@@ @@PORT@@', { PORT: 8443, USER: 'hello' }),
      'port 8443, user hello 8443',
    );
    t.equal(renderTemplate('x', 'no @@placeholders@@ in lowercase', {}), 'no @@placeholders@@ in lowercase');
    t.throws(
      () => renderTemplate('unit', '@@A@@ @@B@@ @@B@@', { C: 1 }),
      /^unit: no value for @@A@@, @@B@@; known: C$/,
    );
  });
});

t.test('zip-files.ts', async (t) => {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const time = new Date('2026-03-04T05:06:08Z');

  t.test('same files in any order give the same bytes', async (t) => {
    const a = zipFiles(
      [
        { path: 'b.sh', data: text('echo'), mode: 0o755 },
        { path: 'a.txt', data: text('a'), mode: 0o644 },
      ],
      time,
    );
    const b = zipFiles(
      [
        { path: 'a.txt', data: text('a'), mode: 0o644 },
        { path: 'b.sh', data: text('echo'), mode: 0o755 },
      ],
      time,
    );
    t.same(Buffer.from(a), Buffer.from(b));
    t.same(Object.keys(unzipSync(a)), ['a.txt', 'b.sh'], 'entries sorted by path');
  });

  t.test('Unix modes and a time-zone-free timestamp', async (t) => {
    const zip = zipFiles(
      [
        { path: 'x.sh', data: text('x'), mode: 0o755 },
        { path: 'y', data: text('y'), mode: 0o644 },
      ],
      time,
    );
    const [x, y] = zipEntries(zip);
    t.equal(x!.os, 3, 'made on Unix, so unzip honours the mode');
    t.equal(x!.mode, 0o100755);
    t.equal(y!.mode, 0o100644);
    // DOS time holds the UTC wall clock: 05:06:08 on 2026-03-04 whatever TZ this runs in.
    t.equal(x!.dosTime, (5 << 11) | (6 << 5) | (8 / 2));
    t.equal(x!.dosDate, ((2026 - 1980) << 9) | (3 << 5) | 4);
  });

  t.test('times before 1980 are clamped; duplicate paths are refused', async (t) => {
    const [e] = zipEntries(zipFiles([{ path: 'a', data: text('a'), mode: 0o644 }], new Date(0)));
    t.equal(e!.dosDate, (0 << 9) | (1 << 5) | 1);
    t.throws(
      () =>
        zipFiles(
          [
            { path: 'a', data: text('1'), mode: 0o644 },
            { path: 'a', data: text('2'), mode: 0o644 },
          ],
          time,
        ),
      /zip: a appears twice/,
    );
  });
});

t.test('host-env.ts', async (t) => {
  t.test('host.env carries the config values the hooks need', async (t) => {
    const text = renderHostEnv();
    t.match(text, new RegExp(`^SERVICE_PORT=${SERVICE_PORT}$`, 'm'));
    t.match(text, new RegExp(`^STOP_TIMEOUT_SECONDS=${SYSTEMD_STOP_TIMEOUT_SECONDS}$`, 'm'));
    t.match(text, new RegExp(`^DEFAULT_ENV_FILE=${HOST_PATHS.envFile}$`, 'm'));
    // The hooks rebuild the host paths from root + subdirectory: they must come out as configured.
    t.equal(`${HOST_ENV.DEFAULT_ROOT}/${HOST_ENV.RELEASES_SUBDIR}`, HOST_PATHS.releases);
    t.equal(`${HOST_ENV.DEFAULT_ROOT}/${HOST_ENV.CURRENT_SUBDIR}`, HOST_PATHS.current);
    t.equal(`${HOST_ENV.DEFAULT_ROOT}/${HOST_ENV.INCOMING_SUBDIR}`, INCOMING_DIR);
    t.equal(`${HOST_ENV.DEFAULT_TLS_DIR}/${HOST_ENV.TLS_CERT_NAME}`, HOST_PATHS.tlsCert);
    t.equal(`${HOST_ENV.DEFAULT_TLS_DIR}/${HOST_ENV.TLS_KEY_NAME}`, HOST_PATHS.tlsKey);
    t.equal(`${HOST_ENV.DEFAULT_LOG_DIR}/${HOST_ENV.LOG_NAME}`, HOST_PATHS.logFile);
  });

  t.test('refuses values bash would need quoting for', async (t) => {
    t.throws(() => renderHostEnv({ A: 'two words' }), /host\.env: A="two words" is not allowed/);
    t.throws(() => renderHostEnv({ lower: 1 }), /host\.env: lower=1 is not allowed/);
  });
});

t.test('hook-timeouts.ts', async (t) => {
  t.test('every hook outlives the bound it waits on', async (t) => {
    t.ok(MAX_SHUTDOWN_GRACE_MS / 1000 < SYSTEMD_STOP_TIMEOUT_SECONDS, 'the service exits before systemd kills it');
    t.ok(
      HOOK_TIMEOUT_SECONDS.ApplicationStop > SYSTEMD_STOP_TIMEOUT_SECONDS,
      'systemctl stop finishes inside ApplicationStop',
    );
    t.ok(HOOK_TIMEOUT_SECONDS.ApplicationStart > SYSTEMD_STOP_TIMEOUT_SECONDS, 'restart may stop a process first');
    t.ok(
      HOOK_TIMEOUT_SECONDS.ValidateService >= VALIDATE_TIMEOUT_SECONDS + 20,
      'the probe gives up well before the agent kills it',
    );
    t.ok(VALIDATE_TIMEOUT_SECONDS >= 10, 'a cold start (~250 ms) and a slow host fit comfortably');
    for (const hook of HOOK_NAMES) {
      t.ok(HOOK_TIMEOUT_SECONDS[hook] <= 3600, `${hook} is within CodeDeploy's 3600 s per hook`);
      t.match(HOOK_SCRIPTS[hook], /^[a-z-]+\.sh$/);
    }
  });
});
