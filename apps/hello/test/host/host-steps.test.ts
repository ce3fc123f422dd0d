import t, { type Test } from 'tap';
import { parseReleaseManifest, sha256 } from '../../host/release-manifest.ts';
import { unitCommand } from '../../host/unit-command.ts';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  utimesSync,
  writeFileSync,
  existsSync,
  readFileSync,
  statSync,
  chmodSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneReleases } from '../../host/prune-releases.ts';
import { installRelease, releaseMismatches } from '../../host/install-release.ts';
import { createSsmClient, ssmRegion } from '../../host/ssm-client.ts';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SERVICE_ENV } from '@hello/config/service-env';
import { StageParametersError } from '@hello/config/stage-parameters';
import { renderEnv, type RenderEnvConfig } from '../../host/render-env.ts';
import { fixtureContract, fixtureProject } from '../helpers/parameter-fixtures.ts';
import { COMPILE_CACHE_ONLY_ENV } from '@hello/config/constants';
import { warmCompileCache } from '../../host/warm-compile-cache.ts';
import { createServer as createTcpServer } from 'node:net';
import { createServer, type Server } from 'node:https';
import { getLocal } from '@hello/cli-kit/get-local';
import { checkOnce, probeService, type ProbeOptions } from '../../host/probe-service.ts';
import { testCertificate } from '../helpers/certificate.ts';

t.test('release-manifest.ts', async (t) => {
  const hash = sha256('x');
  const good = {
    name: 'hello',
    version: 'abc123',
    builtAt: '2026-01-01T00:00:00.000Z',
    node: { build: 'v20', target: 'node20', hostMajor: 24 },
    files: { 'app/server.mjs': hash },
  };

  t.test('accepts a well-formed manifest', async (t) => {
    t.equal(parseReleaseManifest(JSON.stringify(good)).version, 'abc123');
    t.equal(sha256('x'), '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
  });

  t.test('names every problem', async (t) => {
    t.throws(() => parseReleaseManifest('{', 'r.json'), /r\.json: not valid JSON/);
    t.throws(() => parseReleaseManifest('null'), /version undefined.*\n.*files: expected an object/s);
    t.throws(
      () => parseReleaseManifest(JSON.stringify({ ...good, version: 'a b' })),
      /version "a b": expected 1-64 letters/,
    );
    t.throws(() => parseReleaseManifest(JSON.stringify({ ...good, files: {} })), /at least one file/);
    t.throws(
      () => parseReleaseManifest(JSON.stringify({ ...good, files: { '../etc/passwd': hash } })),
      /"\.\.\/etc\/passwd" is not a relative path inside the release/,
    );
    t.throws(
      () => parseReleaseManifest(JSON.stringify({ ...good, files: { 'release.json': hash } })),
      /"release\.json" is not a relative path/,
    );
    t.throws(
      () => parseReleaseManifest(JSON.stringify({ ...good, files: { 'a/./b': hash } })),
      /is not a relative path/,
    );
    t.throws(
      () => parseReleaseManifest(JSON.stringify({ ...good, files: { a: 'ABC' } })),
      /files\["a"\]: expected a lowercase sha256 hex digest, got "ABC"/,
    );
  });
});

t.test('unit-command.ts', async (t) => {
  t.test('ExecStart and every Environment= assignment, as systemd would see plain words', async (t) => {
    const unit =
      '[Service]\nEnvironment=A=1 B=two\nExecStart=/usr/bin/node  --flag /opt/x/server.mjs \n# Environment=C=commented\nEnvironment=A=3\n';
    t.same(unitCommand(unit), {
      bin: '/usr/bin/node',
      args: ['--flag', '/opt/x/server.mjs'],
      env: { A: '3', B: 'two' },
    });
    t.same(
      unitCommand('ExecStart=/bin/true\nEnvironment=\n'),
      { bin: '/bin/true', args: [], env: {} },
      'an empty Environment= adds nothing',
    );
  });

  t.test('refuses what it would misread', async (t) => {
    t.throws(() => unitCommand('[Service]\nUser=x\n'), /the unit has no ExecStart= command/);
    t.throws(() => unitCommand('ExecStart=  \n'), /the unit has no ExecStart= command/);
    t.throws(
      () => unitCommand('ExecStart=/bin/sh -c "echo hi"\n'),
      /ExecStart uses quoting or specifiers that are not interpreted here: \/bin\/sh -c "echo hi"/,
    );
    t.throws(() => unitCommand('ExecStart=/bin/x %h\n'), /ExecStart uses quoting or specifiers/);
    t.throws(() => unitCommand('ExecStart=/bin/x\nEnvironment="A=1 2"\n'), /Environment= uses quoting or specifiers/);
    t.throws(() => unitCommand('ExecStart=/bin/x\nEnvironment=A\n'), /Environment= assignment "A" is not NAME=value/);
    t.throws(() => unitCommand('ExecStart=/bin/x\nEnvironment==1\n'), /Environment= assignment "=1" is not NAME=value/);
  });
});

t.test('prune-releases.ts', async (t) => {
  // A releases folder in the temp folder, removed when test \`t\` ends.
  function releases(t: Test, ages: Record<string, number>): string {
    const dir = mkdtempSync(join(tmpdir(), 'prune-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    for (const [name, age] of Object.entries(ages)) {
      mkdirSync(join(dir, name));
      const when = new Date(Date.now() - age * 1000);
      utimesSync(join(dir, name), when, when);
    }
    return dir;
  }

  t.test('keeps the newest releases and the protected one', async (t) => {
    const dir = releases(t, {
      old: 400,
      older: 500,
      new: 10,
      newer: 5,
      current: 900,
      '.v9.123': 1,
    });
    // A release's compile cache (read-only files) goes with it.
    mkdirSync(join(dir, 'old', 'compile-cache', 'tag'), { recursive: true });
    writeFileSync(join(dir, 'old', 'compile-cache', 'tag', 'entry'), '', { mode: 0o444 });
    utimesSync(join(dir, 'old'), new Date(Date.now() - 400_000), new Date(Date.now() - 400_000));
    const removed = pruneReleases(dir, 3, 'current');
    t.same(removed.sort(), ['.v9.123', 'old', 'older']);
    t.same(readdirSync(dir).sort(), ['current', 'new', 'newer']);
  });

  t.test('keep=1 leaves only the protected release; ties break by name', async (t) => {
    const dir = releases(t, { b: 0, a: 0 });
    t.same(pruneReleases(dir, 1, 'b'), ['a']);
    const tie = releases(t, { y: 0, x: 0, z: 0 });
    utimesSync(join(tie, 'x'), new Date(1000), new Date(1000));
    utimesSync(join(tie, 'y'), new Date(1000), new Date(1000));
    utimesSync(join(tie, 'z'), new Date(1000), new Date(1000));
    t.same(pruneReleases(tie, 2, 'z'), ['y']);
  });

  t.test('refuses a nonsensical keep', async (t) => {
    t.throws(() => pruneReleases(t.testdir({}), 0, 'x'), /keep 0 is not allowed; expected a whole number >= 1/);
  });
});

t.test('install-release.ts', async (t) => {
  function revision(dir: string, version: string, files: Record<string, string>, mode = 0o644): void {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text, { mode });
    }
    const manifest = {
      version,
      files: Object.fromEntries(Object.entries(files).map(([p, text]) => [p, sha256(text)])),
    };
    writeFileSync(join(dir, 'release.json'), JSON.stringify(manifest));
  }

  t.test('copies exactly the listed files, verified, into releases/<version>', async (t) => {
    const root = t.testdir({ releases: {} });
    const incoming = join(root, 'incoming');
    revision(incoming, 'v1', { 'app/server.mjs': 'code', 'hooks/a.sh': 'echo' });
    writeFileSync(join(incoming, 'stale.txt'), 'left over from an older revision');
    const dir = installRelease(incoming, join(root, 'releases'), 'v1');
    t.equal(dir, join(root, 'releases', 'v1'));
    t.equal(readFileSync(join(dir, 'app/server.mjs'), 'utf8'), 'code');
    t.ok(existsSync(join(dir, 'release.json')));
    t.notOk(existsSync(join(dir, 'stale.txt')), 'files release.json does not list stay behind');
    t.same(releaseMismatches(dir), []);
  });

  t.test('keeps the executable bit of scripts', async (t) => {
    const root = t.testdir({ releases: {} });
    revision(join(root, 'in'), 'v1', { 'hooks/a.sh': 'echo' }, 0o755);
    const dir = installRelease(join(root, 'in'), join(root, 'releases'), 'v1');
    t.equal(statSync(join(dir, 'hooks/a.sh')).mode & 0o777, 0o755);
  });

  t.test('reuses an intact copy and replaces a damaged one', async (t) => {
    const root = t.testdir({ releases: {} });
    const incoming = join(root, 'in');
    revision(incoming, 'v1', { 'a.txt': 'one' });
    const dir = installRelease(incoming, join(root, 'releases'), 'v1');
    const old = new Date('2020-01-01T00:00:00Z');
    // AfterInstall adds the compile cache to the release: files release.json does not list.
    mkdirSync(join(dir, 'compile-cache', 'v24-tag'), { recursive: true });
    writeFileSync(join(dir, 'compile-cache', 'v24-tag', 'entry'), 'cache');
    utimesSync(dir, old, old);
    installRelease(incoming, join(root, 'releases'), 'v1');
    t.ok(statSync(dir).mtimeMs > old.getTime(), 'reuse marks the release as recently used');
    t.ok(
      existsSync(join(dir, 'compile-cache', 'v24-tag', 'entry')),
      'an extra directory does not make the copy damaged',
    );
    writeFileSync(join(dir, 'a.txt'), 'tampered');
    t.same(releaseMismatches(dir), ['a.txt']);
    installRelease(incoming, join(root, 'releases'), 'v1');
    t.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'one');
  });

  t.test('refuses a revision that does not match its manifest or the deployment', async (t) => {
    const root = t.testdir({ releases: {} });
    const incoming = join(root, 'in');
    revision(incoming, 'v1', { 'a.txt': 'one', 'b.txt': 'two' });
    t.throws(
      () => installRelease(incoming, join(root, 'releases'), 'v2'),
      /holds release v1, but this deployment is v2/,
    );
    writeFileSync(join(incoming, 'a.txt'), 'corrupt');
    t.throws(() => installRelease(incoming, join(root, 'releases'), 'v1'), /checksum mismatch in .* for: a\.txt/);
    t.notOk(existsSync(join(root, 'releases', 'v1')), 'nothing half-installed');
  });
});

t.test('ssm-client.ts', async (t) => {
  t.test("the project's region, unless AWS_REGION names another (a stand-in may serve any)", async (t) => {
    t.equal(ssmRegion({}, 'eu-central-1'), 'eu-central-1');
    t.equal(ssmRegion({ AWS_REGION: '' }, 'eu-central-1'), 'eu-central-1');
    t.equal(ssmRegion({ AWS_REGION: 'us-west-2' }, 'eu-central-1'), 'us-west-2');
    const client = createSsmClient({ AWS_REGION: 'us-west-2' }, 'eu-central-1');
    t.teardown(() => client.destroy());
    t.equal(await client.config.region(), 'us-west-2');
  });
});

t.test('render-env.ts', async (t) => {
  const base = {
    stage: 'prod',
    version: 'abc',
    port: '8443',
    certFile: '/etc/hello/tls/cert.pem',
    keyFile: '/etc/hello/tls/key.pem',
  };
  const SECRET = 'tok-4f2a!9b';

  /** The fixture project's config, with an SSM client whose answers each test sets. */
  function withSsm(t: Test): { config: RenderEnvConfig; ssm: ReturnType<typeof mockClient> } {
    const client = new SSMClient({ region: fixtureProject.aws.region });
    const ssm = mockClient(client);
    t.teardown(() => ssm.restore());
    return {
      config: { contract: fixtureContract, project: fixtureProject, region: 'eu-central-1', ssm: () => client },
      ssm,
    };
  }

  t.test('renders the contract with stage and version; no parameters, no SSM call', async (t) => {
    const config: RenderEnvConfig = {
      contract: SERVICE_ENV,
      project: { name: 'shop' },
      region: 'eu-central-1',
      ssm: () => t.fail('no SSM client for a project without parameters') as never,
    };
    const { text, sources } = await renderEnv(base, config);
    t.match(text, /^STAGE=prod$/m);
    t.match(text, /^RELEASE_VERSION=abc$/m);
    t.match(
      text,
      /^HOST=0\.0\.0\.0$/m,
      'all interfaces by default: the load balancer reaches the host on its private address',
    );
    t.match(text, /^SHUTDOWN_GRACE_MS=\d+$/m, 'defaults are written out too');
    t.same(sources, []);
    t.match((await renderEnv({ ...base, host: '127.0.0.1' }, config)).text, /^HOST=127\.0\.0\.1$/m);
  });

  t.test("the stage's settings and secrets from SSM go into the file, and only their names are told", async (t) => {
    const { config, ssm } = withSsm(t);
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: '/shop/prod/api-token', Type: 'SecureString', Value: SECRET },
        { Name: '/shop/prod/greeting', Type: 'String', Value: 'hi' },
      ],
    });
    const { text, sources } = await renderEnv(base, config);
    t.match(text, `\nGREETING=hi\nAPI_TOKEN=${SECRET}\n`);
    t.same(sources, ['GREETING from /shop/prod/greeting', 'API_TOKEN from /shop/prod/api-token (secret)']);
    t.same(ssm.commandCalls(GetParametersCommand)[0]?.args[0].input, {
      Names: ['/shop/prod/greeting', '/shop/prod/api-token'],
      WithDecryption: true,
    });

    ssm
      .on(GetParametersCommand)
      .resolves({ Parameters: [{ Name: '/shop/prod/api-token', Type: 'SecureString', Value: SECRET }] });
    const defaulted = await renderEnv(base, config);
    t.match(defaulted.text, /^GREETING=hello$/m);
    t.same(defaulted.sources[0], "GREETING: /shop/prod/greeting does not exist; the contract's default applies");
  });

  t.test('a value the contract refuses names its parameter, and a secret is never shown', async (t) => {
    const { config, ssm } = withSsm(t);
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: '/shop/prod/api-token', Type: 'SecureString', Value: 'has "quotes"' },
        { Name: '/shop/prod/greeting', Type: 'String', Value: 'howdy' },
      ],
    });
    const error = await renderEnv(base, config).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    t.match(
      error?.message,
      'GREETING="howdy": must be equal to one of the allowed values; allowed: hello, hi (from SSM parameter /shop/prod/greeting)',
    );
    t.match(
      error?.message,
      'API_TOKEN (secret, value not shown): must be printable ASCII without spaces, quotes or backslashes (from SSM parameter /shop/prod/api-token)',
    );
    t.notMatch(error?.message, 'quotes"');
  });

  t.test(
    'refuses a deployment group that is not a stage, values the contract rejects, and an unmatched project',
    async (t) => {
      const config: RenderEnvConfig = {
        contract: SERVICE_ENV,
        project: { name: 'shop' },
        region: 'eu-central-1',
        ssm: () => new SSMClient({}),
      };
      await t.rejects(
        renderEnv({ ...base, stage: 'local' }, config),
        /deployment group "local" is not a stage; expected one of staging, prod/,
      );
      await t.rejects(renderEnv({ ...base, port: '99999' }, config), /PORT="99999"/);
      await t.rejects(renderEnv({ ...base, certFile: 'relative.pem' }, config), /TLS_CERT_FILE/);
      await t.rejects(renderEnv(base, { ...config, contract: fixtureContract }), StageParametersError);
    },
  );
});

// warmCompileCache with a shell script standing in for Node: it writes what Node would (a
// subdirectory named after its uid) wherever NODE_COMPILE_CACHE points. The real bundle and Node
// are in test/scripts/package-steps.test.ts and test/deploy/compile-cache.test.ts.
t.test('warm-compile-cache.ts', async (t) => {
  const me = { uid: process.getuid!(), gid: process.getgid!() };

  /**
   * A directory others can traverse (the root-only test runs the script as another user; a CI
   * checkout under /home/runner is closed to them, so not t.testdir()).
   */
  function openDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'warm-test-'));
    chmodSync(dir, 0o755);
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  function script(dir: string, body: string): string {
    const file = join(dir, 'fake-node.sh');
    writeFileSync(file, `set -e\n${body}\n`, { mode: 0o755 });
    return file;
  }

  const WRITES =
    'mkdir "$NODE_COMPILE_CACHE/tag-$(id -u)"; printf "%s %s" "$HELLO_TEST" "$' +
    COMPILE_CACHE_ONLY_ENV +
    '" > "$NODE_COMPILE_CACHE/tag-$(id -u)/entry"';

  t.test('fills the cache with what the command wrote, readable by all, writable by this process only', async (t) => {
    const dir = openDir();
    const cache = join(dir, 'compile-cache');
    mkdirSync(join(cache, 'v0-stale'), { recursive: true });
    mkdirSync(`${cache}.new`); // left by an interrupted run
    const scratchParent = openDir();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = scratchParent; // os.tmpdir(), where the scratch directory goes
    const files = warmCompileCache({
      command: {
        bin: '/bin/sh',
        args: [script(dir, WRITES)],
        env: { NODE_COMPILE_CACHE: cache, HELLO_TEST: 'from-unit' },
      },
      ...me,
    });
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    t.same(files, [`tag-${me.uid}/entry`]);
    t.equal(
      readFileSync(join(cache, files[0]!), 'utf8'),
      'from-unit 1',
      "the unit's environment, and the guard variable set",
    );
    t.same(readdirSync(cache), [`tag-${me.uid}`], 'the old cache is replaced, not merged');
    t.notOk(existsSync(`${cache}.new`));
    t.same(readdirSync(scratchParent), [], 'the scratch directory is gone');
    for (const [path, mode] of [
      [cache, 0o755],
      [join(cache, `tag-${me.uid}`), 0o755],
      [join(cache, files[0]!), 0o644],
    ] as const) {
      const stat = statSync(path);
      t.equal(stat.mode & 0o777, mode, path);
      t.equal(stat.uid, me.uid, `${path} belongs to this process`);
    }
  });

  t.test("whatever Node's layout, directories and files are copied", async (t) => {
    const dir = openDir();
    const cache = join(dir, 'cc');
    const files = warmCompileCache({
      command: {
        bin: '/bin/sh',
        args: [
          script(
            dir,
            ': > "$NODE_COMPILE_CACHE/top"; mkdir -p "$NODE_COMPILE_CACHE/a/b"; : > "$NODE_COMPILE_CACHE/a/b/deep"',
          ),
        ],
        env: { NODE_COMPILE_CACHE: cache },
      },
      ...me,
    });
    t.same(files, ['a/b/deep', 'top']);
    t.equal(statSync(join(cache, 'a/b')).mode & 0o777, 0o755);
  });

  t.test('a command that writes no cache leaves an empty one', async (t) => {
    const dir = openDir();
    const cache = join(dir, 'cc');
    t.same(
      warmCompileCache({
        command: { bin: '/bin/sh', args: [script(dir, 'true')], env: { NODE_COMPILE_CACHE: cache } },
        ...me,
      }),
      [],
    );
    t.same(readdirSync(cache), []);
  });

  t.test('failures name the command and what went wrong, and leave the old cache alone', async (t) => {
    const dir = openDir();
    const cache = join(dir, 'cc');
    mkdirSync(join(cache, 'kept'), { recursive: true });
    const run = (body: string, timeoutMs?: number) => () =>
      warmCompileCache({
        command: { bin: '/bin/sh', args: [script(dir, body)], env: { NODE_COMPILE_CACHE: cache } },
        ...me,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
    t.throws(run('echo "no TLS" >&2; exit 3'), /\/bin\/sh .*fake-node\.sh exited with 3: no TLS/);
    t.throws(run('kill -TERM $$'), /exited with SIGTERM/);
    t.throws(
      run('sleep 5', 300),
      new RegExp(`did not exit within 300 ms with ${COMPILE_CACHE_ONLY_ENV}=1: does the bundle start with its guard`),
    );
    // Only directories and regular files are copied; a link could make root copy a file only root may read.
    t.throws(
      run('ln -s /root "$NODE_COMPILE_CACHE/tag"'),
      /the warm-up left tag, which is neither a directory nor a regular file/,
    );
    t.throws(
      run('mkdir "$NODE_COMPILE_CACHE/tag"; ln -s /etc/shadow "$NODE_COMPILE_CACHE/tag/entry"'),
      /the warm-up left tag\/entry, which is neither a directory nor a regular file/,
    );
    t.throws(
      () =>
        warmCompileCache({
          command: { bin: join(dir, 'missing'), args: [], env: { NODE_COMPILE_CACHE: cache } },
          ...me,
        }),
      /missing: spawnSync .* ENOENT/,
    );
    t.throws(
      () => warmCompileCache({ command: { bin: '/bin/true', args: [], env: {} }, ...me }),
      /the unit sets no NODE_COMPILE_CACHE/,
    );
    t.same(readdirSync(dir).sort(), ['cc', 'fake-node.sh'], 'no half-copied cache left behind');
    t.same(readdirSync(cache), ['kept']);
  });

  t.test(
    "runs the command as the given user; what it wrote becomes this process's",
    { skip: me.uid === 0 ? false : 'switching users needs root' },
    async (t) => {
      const dir = openDir();
      const cache = join(dir, 'cc');
      const files = warmCompileCache({
        command: { bin: '/bin/sh', args: [script(dir, WRITES)], env: { NODE_COMPILE_CACHE: cache } },
        uid: 65534,
        gid: 65534,
      });
      t.same(files, ['tag-65534/entry'], 'named after the uid the service runs as');
      t.equal(statSync(join(cache, files[0]!)).uid, 0, 'owned by root, not by the user who wrote it');
    },
  );
});

t.test('probe-service.ts', async (t) => {
  // One loopback HTTPS server whose answers each test sets.
  let health = 200;
  let versionBody = '{"version":"v2"}';
  let server: Server;
  let port = 0;

  t.before(async () => {
    const { cert, key } = await testCertificate();
    server = createServer({ cert, key }, (req, res) => {
      if (req.url === '/healthz') res.writeHead(health).end('{}');
      else if (req.url === '/version') res.writeHead(200).end(versionBody);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  t.teardown(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );

  const options = (over: Partial<ProbeOptions> = {}): ProbeOptions & { lines: string[] } => {
    const lines: string[] = [];
    return {
      port,
      version: 'v2',
      healthPath: '/healthz',
      versionPath: '/version',
      timeoutMs: 2000,
      intervalMs: 20,
      log: (l) => lines.push(l),
      lines,
      ...over,
    };
  };

  t.test('one look says what is still wrong', async (t) => {
    health = 503;
    t.equal(await checkOnce(options(), 1000), '/healthz answered 503');
    health = 200;
    versionBody = 'not json';
    t.equal(await checkOnce(options(), 1000), '/version answered 200 without JSON');
    versionBody = '{"version":"v1"}';
    t.equal(await checkOnce(options(), 1000), '/version answered 200 with version "v1", waiting for "v2"');
    versionBody = '{"version":"v2"}';
    t.equal(await checkOnce(options(), 1000), 'ok');
    t.match(await checkOnce(options({ port: 1 }), 1000), /^not reachable: /);
    t.equal((await getLocal(port, '/nope', 1000)).status, 404);
  });

  t.test('polls until the new version answers', async (t) => {
    versionBody = '{"version":"v1"}';
    const o = options();
    setTimeout(() => (versionBody = '{"version":"v2"}'), 100);
    t.equal(await probeService(o), true);
    t.same(
      o.lines,
      ['/version answered 200 with version "v1", waiting for "v2"', 'healthy with version v2'],
      'logs only changes',
    );
  });

  t.test('gives up at its deadline', async (t) => {
    versionBody = '{"version":"v1"}';
    const o = options({ timeoutMs: 150 });
    const started = Date.now();
    t.equal(await probeService(o), false);
    t.ok(Date.now() - started < 2000, 'bounded');
    t.equal(await probeService(options({ timeoutMs: 50, intervalMs: undefined })), false, 'default interval');
  });

  t.test('a request that hangs times out', async (t) => {
    // Accepts the connection and never speaks TLS; resume() lets it see the client hang up.
    const tcp = createTcpServer((socket) => socket.resume());
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const hung = (tcp.address() as { port: number }).port;
    await t.rejects(getLocal(hung, '/healthz', 100), /no answer within 100 ms/);
    await new Promise<void>((r) => tcp.close(() => r()));
  });
});
