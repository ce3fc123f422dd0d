import t from 'tap';
import {
  currentCaller,
  formatProblems,
  machine,
  planNamespaces,
  subordinateRange,
  type Caller,
  type SystemView,
  type NamespacePlan,
} from '../src/user-namespace.ts';
import { utimesSync, chmodSync, readFileSync, statSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { project } from '@hello/config/project';
import {
  missingTools,
  newestRelease,
  rehearseCli,
  type RehearseCliContext,
  type RehearsalRequest,
} from '../src/rehearse-cli.ts';
import { createServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { freePorts } from '@hello/cli-kit/free-port';
import { getLocal } from '@hello/cli-kit/get-local';
import { probeVersion, reachableNode, selfSignedPem, unitAndSocket, worldReachable } from '../src/rehearsal-support.ts';
import { HEALTH_CHECK, HEALTH_PATH } from '@hello/config/constants';
import { haproxyConfig, type HaproxyConfigOptions } from '../src/haproxy-config.ts';
import { parseStats } from '../src/haproxy.ts';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { emptyCounts, LoadGenerator } from '../src/load-generator.ts';
import { waitUntil } from './helpers/wait-until.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

t.test('user-namespace.ts', async (t) => {
  const dev: Caller = { uid: 1001, gid: 1001, user: 'dev' };
  const root: Caller = { uid: 0, gid: 0, user: 'root' };
  const ranges = 'alice:100000:65536\ndev:165536:65536\n';

  /** A Debian-like machine with `files` over its defaults and every command installed. */
  function system(files: Record<string, string | undefined> = {}, missing: string[] = []): SystemView {
    const all: Record<string, string | undefined> = { '/etc/subuid': ranges, '/etc/subgid': ranges, ...files };
    return { readFile: (p) => all[p], has: (c) => !missing.includes(c) };
  }

  const problemsOf = (caller: Caller, sys: SystemView) => {
    const r = planNamespaces(caller, sys);
    return 'problems' in r ? r.problems : [];
  };

  t.test('a user is root inside; its subordinate range gives the other ids', async (t) => {
    const r = planNamespaces(dev, system());
    t.same(r, {
      plan: {
        mapIds: ['--user', '--map-root-user', '--map-users=165536,1,65535', '--map-groups=165536,1,65535'],
        unshare: [
          '--user',
          '--map-root-user',
          '--map-users=165536,1,65535',
          '--map-groups=165536,1,65535',
          '--mount',
          '--net',
          '--pid',
          '--fork',
          '--kill-child',
          '--mount-proc',
        ],
      },
    });
  });

  t.test("real root: its own range when it has one, else the machine's uids", async (t) => {
    const withRange = planNamespaces(
      root,
      system({ '/etc/subuid': '0:200000:65536', '/etc/subgid': 'root:200000:65536' }),
    );
    t.match(withRange, { plan: { mapIds: ['--user', '--map-root-user', '--map-users=200000,1,65535'] } });
    t.same(planNamespaces(root, system({ '/etc/subuid': undefined, '/etc/subgid': undefined })), {
      plan: { mapIds: [], unshare: ['--mount', '--net', '--pid', '--fork', '--kill-child', '--mount-proc'] },
    });
    t.same(
      problemsOf(root, system({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n' })),
      [],
      'AppArmor restricts unprivileged users only',
    );
  });

  t.test("Ubuntu 24.04's AppArmor restriction: the one command that lifts it", async (t) => {
    const problems = problemsOf(dev, system({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n' }));
    t.same(problems, [
      {
        what: 'AppArmor restricts unprivileged user namespaces on this machine (Ubuntu 23.10 and later, GitHub ubuntu-24.04 runners) (kernel.apparmor_restrict_unprivileged_userns=1)',
        fix: 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
      },
    ]);
    t.equal(
      formatProblems(problems),
      `${problems[0]!.what}\n  fix: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0\n`,
    );
    t.same(problemsOf(dev, system({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '0\n' })), []);
  });

  t.test('other kernels that refuse, missing helpers, no range: each with its fix', async (t) => {
    t.match(problemsOf(dev, system({ '/proc/sys/kernel/unprivileged_userns_clone': '0' })), [
      { fix: 'sudo sysctl -w kernel.unprivileged_userns_clone=1' },
    ]);
    t.match(problemsOf(root, system({ '/proc/sys/user/max_user_namespaces': '0' })), [
      { what: /switched off/, fix: 'sysctl -w user.max_user_namespaces=15000' },
    ]);
    t.match(problemsOf(dev, system({ '/proc/sys/user/max_user_namespaces': '0\n' })), [
      { fix: 'sudo sysctl -w user.max_user_namespaces=15000' },
    ]);
    t.match(problemsOf(dev, system({}, ['newuidmap', 'newgidmap', 'ip'])), [
      {
        what: 'ip, newuidmap, newgidmap not found: the rehearsal builds its namespaces with them',
        fix: 'sudo apt-get install -y iproute2 uidmap',
      },
    ]);
    t.same(problemsOf(root, system({}, ['newuidmap'])), [], 'root needs no helper');
    t.match(problemsOf(root, system({}, ['unshare'])), [{ fix: 'apt-get install -y util-linux' }]);
    t.match(
      problemsOf({ uid: 1002, gid: 1002, user: 'bob' }, system()),
      [
        {
          what: /bob has no subordinate id range/,
          fix: 'sudo usermod --add-subuids 231072-296607 --add-subgids 231072-296607 bob',
        },
      ],
      'a range above every range already given',
    );
    t.match(
      problemsOf(dev, system({ '/etc/subuid': undefined, '/etc/subgid': 'dev:100000:1000\n' })),
      [{ fix: 'sudo usermod --add-subuids 101000-166535 --add-subgids 101000-166535 dev' }],
      'too small a range does not cover the ids inside',
    );
  });

  t.test('subordinate ranges by name or uid, the first one', async (t) => {
    t.same(subordinateRange('# x\n1001:5:70000\ndev:9:9\n', 'dev', 1001), { start: 5, count: 70000 });
    t.same(subordinateRange('dev:x:y\ndev:7:8\n', 'dev', 1), { start: 7, count: 8 });
    t.equal(subordinateRange(undefined, 'dev', 1), undefined);
  });

  t.test('this machine, as the plan reads it', async (t) => {
    t.type(machine.readFile('/proc/self/status'), 'string');
    t.equal(machine.readFile('/nonexistent'), undefined);
    t.equal(machine.has('sh'), true);
    t.equal(machine.has('no-such-command-here'), false);
    t.equal(currentCaller().uid, process.getuid!());
  });
});

t.test('rehearse-cli.ts', async (t) => {
  const plan: NamespacePlan = { unshare: ['--user'], mapIds: ['--user'] };

  async function run(argv: string[], over: Partial<RehearseCliContext> = {}) {
    let out = '';
    let err = '';
    const seen: RehearsalRequest[] = [];
    const dir = t.testdir({ artifacts: { 'hello-old.zip': 'zip', 'hello-cafe01.zip': 'zip', 'notes.txt': '' } });
    utimesSync(join(dir, 'artifacts/hello-old.zip'), new Date(1000), new Date(1000));
    const code = await rehearseCli({
      argv,
      artifactsDir: join(dir, 'artifacts'),
      toolDir: '/checkout/tools/rehearsal/src',
      missingTools: () => [],
      namespaces: () => ({ plan }),
      runInside: async (p, request) => {
        t.equal(p, plan);
        seen.push(request);
        return 0;
      },
      out: (s) => (out += s),
      err: (s) => (err += s),
      ...over,
    });
    return { code, out, err, seen, dir };
  }

  t.test('runs the rehearsal inside its namespaces on the newest packaged release', async (t) => {
    const r = await run([]);
    t.equal(r.code, 0, r.err);
    t.same(r.seen, [
      {
        revisionZip: join(r.dir, 'artifacts/hello-cafe01.zip'),
        hosts: project.stages.prod.capacity.min,
        timeScale: 10,
        stage: 'staging',
      },
    ]);
    t.match(r.out, /hosts on 127\.0\.0\.1 behind haproxy; .* at 1\/10 of the target group's \(same ratios\)\n$/);
  });

  t.test('the exit code is the rehearsal’s', async (t) => {
    const r = await run(['--hosts', '3', '--time-scale', '5'], { runInside: async () => 1 });
    t.equal(r.code, 1);
  });

  t.test('explains what is wrong before starting anything', async (t) => {
    t.match((await run(['--hosts', '1'])).err, /--hosts 1 is not allowed; expected 2 to 6/);
    t.match((await run(['--time-scale', '0.5'])).err, /--time-scale 0\.5 is not allowed/);
    t.match(
      (await run([], { missingTools: () => ['haproxy (apt-get install -y haproxy)'] })).err,
      /missing tools: haproxy \(apt-get install -y haproxy\)/,
    );
    t.match((await run(['--revision', '/nonexistent.zip'])).err, /\/nonexistent\.zip: run `pnpm package` first/);
    t.match(
      (await run([], { artifactsDir: '/nonexistent' })).err,
      /no hello-\*\.zip in \/nonexistent: run `pnpm package` first/,
    );
    t.match((await run([], { toolDir: '/tmp/with space' })).err, /contains whitespace/);
    const blocked = await run([], {
      namespaces: () => ({
        problems: [{ what: 'AppArmor restricts unprivileged user namespaces', fix: 'sudo sysctl -w x=0' }],
      }),
    });
    t.equal(
      blocked.err,
      'rehearse: the rehearsal runs in user namespaces, which this machine does not give yet:\nAppArmor restricts unprivileged user namespaces\n  fix: sudo sysctl -w x=0\n',
      'a few lines, the fix last, no stack trace',
    );
    t.equal(blocked.seen.length, 0);
    const other = await run(['--revision', join(t.testdir({ 'r.zip': '' }), 'r.zip')]);
    t.equal(other.code, 0, 'an explicit revision');
    t.equal(other.seen.length, 1);
  });

  t.test(
    '--faults runs the matrix, all of it or --only some scenarios, --skip-drain breaks it on purpose',
    async (t) => {
      t.same((await run(['--faults'])).seen[0]?.faults, { only: [], skipDrain: false });
      t.same((await run(['--faults', '--only', 'a,b', '--skip-drain'])).seen[0]?.faults, {
        only: ['a', 'b'],
        skipDrain: true,
      });
      t.equal((await run([])).seen[0]?.faults, undefined);
      t.match(
        (await run(['--only', 'a'])).err,
        '--only and --skip-drain choose what the fault matrix runs: add --faults',
      );
      t.match((await run(['--skip-drain'])).err, 'add --faults');
    },
  );

  t.test('the newest release zip of the folder', async (t) => {
    const dir = t.testdir({ 'hello-a.zip': '', 'hello-b.zip': '', 'other-c.zip': '' });
    utimesSync(join(dir, 'hello-a.zip'), new Date(5000), new Date(5000));
    utimesSync(join(dir, 'hello-b.zip'), new Date(1000), new Date(1000));
    utimesSync(join(dir, 'other-c.zip'), new Date(9000), new Date(9000));
    t.equal(newestRelease(dir), join(dir, 'hello-a.zip'));
    t.equal(newestRelease(t.testdir({})), undefined);
  });

  t.test('missingTools names the apt package of each missing tool', async (t) => {
    t.same(
      missingTools(() => true),
      [],
    );
    t.same(
      missingTools((cmd) => cmd !== 'haproxy'),
      ['haproxy (apt-get install -y haproxy)'],
    );
    t.ok(Array.isArray(missingTools()), 'probes the real tools');
  });
});

t.test('rehearsal-support.ts', async (t) => {
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
  });

  t.test('a service unit is stopped before the socket unit of its name', async (t) => {
    t.same(unitAndSocket('web.service'), ['web.service', 'web.socket']);
  });
});

t.test('haproxy-config.ts', async (t) => {
  const options: HaproxyConfigOptions = {
    frontendPort: 9443,
    certPem: '/tmp/lb.pem',
    adminSocket: '/tmp/lb.sock',
    servers: [
      { name: 'h1', port: 18441 },
      { name: 'h2', port: 18442 },
    ],
    timeScale: 1,
    idleTimeoutSeconds: 60,
  };

  t.test('the target group health check, on loopback only', async (t) => {
    const text = haproxyConfig(options);
    t.match(text, 'bind 127.0.0.1:9443 ssl crt /tmp/lb.pem');
    t.match(text, `http-check send meth GET uri ${HEALTH_PATH}`);
    t.match(
      text,
      `inter ${HEALTH_CHECK.intervalSeconds * 1000}ms rise ${HEALTH_CHECK.healthyThreshold} fall ${HEALTH_CHECK.unhealthyThreshold}`,
    );
    t.match(text, `timeout check ${HEALTH_CHECK.timeoutSeconds * 1000}ms`);
    t.match(text, 'server h2 127.0.0.1:18442\n');
    t.match(
      haproxyConfig({ ...options, servers: [...options.servers, { name: 'h3', port: 18443, disabled: true }] }),
      'server h3 127.0.0.1:18443 disabled\n',
      'a spare slot stays out until the runtime API readies it',
    );
    t.match(text, 'retries 0');
    t.notMatch(text, /0\.0\.0\.0|\*:/, 'nothing listens beyond loopback');
  });

  t.test('scaling keeps the ratios', async (t) => {
    const text = haproxyConfig({ ...options, timeScale: 10 });
    t.match(text, `inter ${HEALTH_CHECK.intervalSeconds * 100}ms rise ${HEALTH_CHECK.healthyThreshold}`);
    t.match(text, `timeout check ${HEALTH_CHECK.timeoutSeconds * 100}ms`);
    t.throws(() => haproxyConfig({ ...options, timeScale: 0 }), /timeScale 0 is not allowed/);
    t.throws(() => haproxyConfig({ ...options, servers: [] }), /at least one server/);
  });

  t.test('stats of the backend servers', async (t) => {
    const csv =
      '# pxname,svname,qcur,qmax,scur,smax,status\nhttps,FRONTEND,,,3,9,OPEN\nhosts,h1,0,0,2,5,UP\nhosts,h2,0,0,0,1,DRAIN\nhosts,BACKEND,0,0,2,6,UP\n';
    t.same(
      [...parseStats(csv)],
      [
        ['h1', { status: 'UP', current: 2 }],
        ['h2', { status: 'DRAIN', current: 0 }],
      ],
    );
    t.throws(() => parseStats('# pxname,svname\n'), /no status column/);
    t.throws(() => parseStats(''), /no pxname column/, 'an empty answer is an error, not an empty backend');
  });
});

// The load generator against a loopback HTTPS server whose answers the test picks.
t.test('load-generator.ts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'load-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pem = join(dir, 'server.pem');
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
});

// shellcheck on the rehearsal's own scripts (apt package: shellcheck).
t.test('shellcheck', async (t) => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '../src');
  const scripts = readdirSync(src)
    .filter((f) => f.endsWith('.sh'))
    .map((f) => join(src, f));
  const shellcheck = (files: string[]) =>
    spawnSync('shellcheck', ['--external-sources', '--severity=style', ...files], { cwd: src, encoding: 'utf8' });
  const installed = shellcheck(['--version']).error === undefined;

  t.test(
    'the supervisor and the namespace init are shellcheck clean',
    { skip: installed ? false : 'shellcheck is not installed (apt-get install -y shellcheck)' },
    async (t) => {
      t.same(
        scripts.map((s) => s.slice(src.length + 1)),
        ['namespace-init.sh', 'service-ctl.sh'],
      );
      const result = shellcheck(scripts);
      t.equal(result.stdout + result.stderr, '', 'no findings');
      t.equal(result.status, 0);
    },
  );
});
