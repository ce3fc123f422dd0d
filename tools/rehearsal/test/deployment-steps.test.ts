import t, { type Test } from 'tap';
import { AppspecError, parseAppspec, validateHooks } from '../src/appspec.ts';
import { statSync, writeFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendToLog, runHook } from '../src/run-hook.ts';
import { asRoot } from './helpers/as-root.ts';
import type { Deployment } from '../src/code-deploy-agent.ts';
import { rollOut } from '../src/rolling-deploy.ts';
import { trafficTiming, deployHost } from '../src/traffic-control.ts';
import { fakeAgent, fakeLb } from './fakes.ts';
import { DEFAULT_DEREGISTRATION_DELAY_SECONDS, HEALTH_CHECK, HOST_PATHS } from '@hello/config/constants';
import { install, matchesSimpleGlob, type InstallOptions } from '../src/agent-installer.ts';
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import {
  hostValuesOf,
  readRelease,
  releaseVersionOf,
  repackRelease,
  serverEntry,
  serverEntryOf,
  withBrokenServer,
  withVersion,
} from '../src/release-zip.ts';
import { hookOverrides, hostLayout, mapHostPath } from '../src/host-layout.ts';
import { failureSummary, formatCounts, formatHost, seconds, tail } from '../src/report.ts';

// The stand-in agent's appspec rules, each with the real agent's error text
// (aws/aws-codedeploy-agent application_specification/*.rb, command_executor.rb).
t.test('appspec.ts', async (t) => {
  const minimal = (extra: string): string => `version: 0.0\nos: linux\n${extra}`;

  // Shaped like the service's appspec: one files entry, OVERWRITE, one permission entry per kind of
  // object, every hook as root. (The rehearsal parses the real one from the zip at every run.)
  const released = minimal(`files:
  - source: /
    destination: /opt/app/incoming
file_exists_behavior: OVERWRITE
permissions:
  - object: /opt/app/incoming
    owner: root
    group: root
    mode: 644
    type:
      - file
  - object: /opt/app/incoming
    mode: 755
    type:
      - directory
hooks:
  ApplicationStop:
    - location: hooks/application-stop.sh
      timeout: 60
      runas: root
  ValidateService:
    - location: hooks/validate-service.sh
      timeout: 90
      runas: root
`);

  t.test('reads an appspec shaped like the release, which the agent accepts', async (t) => {
    const a = parseAppspec(released);
    t.doesNotThrow(() => validateHooks(a));
    t.same(a.files, [{ source: '/', destination: '/opt/app/incoming' }]);
    t.equal(a.fileExistsBehavior, 'OVERWRITE');
    t.same(
      a.permissions.map((p) => [p.object, p.pattern, p.mode, p.type, p.owner]),
      [
        ['/opt/app/incoming', '**', '644', ['file'], 'root'],
        ['/opt/app/incoming', '**', '755', ['directory'], undefined],
      ],
    );
    t.same(a.hooks.ValidateService, [{ location: 'hooks/validate-service.sh', timeout: 90, runas: 'root' }]);
  });

  t.test('defaults: no hooks, files or permissions; DISALLOW comes from the deployment', async (t) => {
    const a = parseAppspec(
      minimal(
        'hooks:\n  BeforeInstall:\n    - location: a.sh\n  AfterInstall:\npermissions:\n  - object: /opt/x\n    mode: 44\n',
      ),
    );
    t.same(
      a.hooks,
      { BeforeInstall: [{ location: 'a.sh', timeout: 3600 }] },
      'timeout 3600 by default; an empty event is ignored',
    );
    t.same(a.files, []);
    t.equal(a.fileExistsBehavior, undefined);
    t.same(a.permissions[0], { object: '/opt/x', pattern: '**', except: [], type: ['file', 'directory'], mode: '044' });
  });

  const refusals: [string, string, string][] = [
    [
      'empty file',
      '',
      "The deployment failed because the application specification file was empty. Make sure your AppSpec file defines at minimum the 'version' and 'os' properties.",
    ],
    [
      'version',
      'version: 1\nos: linux\n',
      'The deployment failed because an invalid version value (1) was entered in the application specification file. Make sure your AppSpec file specifies "0.0" as the version, and then try again.',
    ],
    ['no version', 'os: linux\n', 'an invalid version value () was entered'],
    ['version list', 'version: [0]\nos: linux\n', 'an invalid version value ([0]) was entered'],
    ['os not a string', 'version: 0.0\nos: true\n', 'unsupported operating system (true)'],
    [
      'os',
      'version: 0.0\nos: windows2\n',
      'The deployment failed because the application specification file specifies an unsupported operating system (windows2). Specify either "linux" or "windows" in the os section of the AppSpec file, and then try again.',
    ],
    [
      'hook without location',
      minimal('hooks:\n  BeforeInstall:\n    - timeout: 5\n'),
      'The deployment failed because the application specification file specifies a script with no location value. Specify the location in the hooks section of the AppSpec file, and then try again.',
    ],
    [
      'timeout 0',
      minimal('hooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: 0\n'),
      'The deployment failed because an invalid timeout value was provided for a script in the application specification file. Make corrections in the hooks section of the AppSpec file, and then try again.',
    ],
    [
      'timeout not a number',
      minimal('hooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: soon\n'),
      'an invalid timeout value was provided',
    ],
    [
      'file without source',
      minimal('files:\n  - destination: /opt/x\n'),
      'The deployment failed because the application specification file specifies a destination file, but no source file. Update the files section of the AppSpec file, and then try again.',
    ],
    [
      'file without destination',
      minimal('files:\n  - source: app\n'),
      'The deployment failed because the application specification file specifies only a source file (app). Add the name of the destination file to the files section of the AppSpec file, and then try again.',
    ],
    [
      'permission without object',
      minimal('permissions:\n  - mode: 644\n'),
      'The deployment failed because a permission listed in the application specification file has no object value. Update the permissions section of the AppSpec file, and then try again.',
    ],
    [
      'permission type',
      minimal('permissions:\n  - object: /x\n    type: [socket]\n'),
      'The deployment failed because the application specification filespecifies a permission for an object type not supported for permissions (socket). Update the permissions section of the AppSpec file, and then try again.',
    ],
    [
      'mode too long',
      minimal('permissions:\n  - object: /x\n    mode: 10644\n'),
      'The deployment failed because the length of a permissions mode (10644) in the application specification file is invalid. Permissions modes must be between one and four characters long. Update the permissions section of the AppSpec file, and then try again.',
    ],
    [
      'mode digit',
      minimal('permissions:\n  - object: /x\n    mode: 689\n'),
      'The deployment failed because the permissions mode (689) in the application specification file contains an invalid character (8). Update the permissions section of the AppSpec file, and then try again.',
    ],
    [
      'file_exists_behavior',
      minimal('file_exists_behavior: MERGE\n'),
      'The deployment failed because an invalid file_exists_behavior value (MERGE) was entered in the application specification file. Make sure your AppSpec file specifies one of DISALLOW,OVERWRITE,RETAIN as the file_exists_behavior, and then try again.',
    ],
  ];

  t.test("refusals carry the agent's own text", async (t) => {
    for (const [what, yaml, message] of refusals) {
      let error = new Error('did not throw');
      try {
        parseAppspec(yaml);
      } catch (e) {
        error = e as Error;
      }
      t.ok(error instanceof AppspecError, `${what}: the agent's validation error`);
      // Whole texts where the test gives one, else the part that carries the value.
      if (message.startsWith('The deployment')) t.equal(error.message, message, what);
      else t.ok(error.message.includes(message), `${what}: ${error.message}`);
    }
  });

  t.test('Install checks the event names and the documented hour per event', async (t) => {
    t.throws(
      () =>
        validateHooks(
          parseAppspec(minimal('hooks:\n  BeforeInstal:\n    - location: a.sh\n  Start:\n    - location: b.sh\n')),
        ),
      { message: 'appspec.yml file contains unknown lifecycle events: ["BeforeInstal", "Start"]' },
    );
    t.doesNotThrow(
      () => validateHooks(parseAppspec(minimal('hooks:\n  BeforeBlockTraffic:\n    - location: a.sh\n'))),
      'traffic hooks are known events',
    );
    const long = minimal(
      'hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 3000\n    - location: b.sh\n      timeout: 601\n',
    );
    t.throws(() => validateHooks(parseAppspec(long)), {
      message: /AfterInstall: the scripts' timeouts add up to 3601 s; CodeDeploy allows at most 3600 s/,
    });
  });
});

// The stand-in's hook executor, with the agent's messages (hook_executor.rb).
t.test('run-hook.ts', async (t) => {
  const script = (dir: string, name: string, body: string, mode = 0o644): void =>
    writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`, { mode });

  t.test('runs the scripts in order with cwd=/, a minimal PATH and the given environment', asRoot, async (t) => {
    const dir = t.testdir({});
    script(dir, 'a.sh', 'echo "cwd=$PWD path=$PATH event=$LIFECYCLE_EVENT"; echo oops >&2');
    script(dir, 'b.sh', 'echo "second as $(id -un)"', 0o755);
    const r = await runHook(
      dir,
      [
        { location: 'a.sh', timeout: 5 },
        { location: 'b.sh', timeout: 5, runas: 'root' },
      ],
      { LIFECYCLE_EVENT: 'BeforeInstall' },
    );
    t.equal(statSync(join(dir, 'a.sh')).mode & 0o111, 0o111, 'made executable first, as the agent does');
    t.equal(r.ok, true, r.error ?? 'ok');
    t.match(r.output, 'cwd=/ path=/usr/bin:/bin event=BeforeInstall\noops\nsecond as root\n');
  });

  t.test("failures carry the agent's messages", asRoot, async (t) => {
    const dir = t.testdir({});
    script(dir, 'b.sh', 'exit 3', 0o755);
    t.same(
      (await runHook(dir, [{ location: 'b.sh', timeout: 5 }], {})).error,
      'Script at specified location: b.sh failed with exit code 3',
    );
    t.same(
      (await runHook(dir, [{ location: 'b.sh', timeout: 5, runas: 'root' }], {})).error,
      'Script at specified location: b.sh run as user root failed with exit code 3',
    );
    t.same(
      (await runHook(dir, [{ location: 'none.sh', timeout: 5 }], {})).error,
      `Script does not exist at specified location: ${join(dir, 'none.sh')}`,
    );
    const nobody = await runHook(dir, [{ location: 'b.sh', timeout: 5, runas: 'no-such-user-here' }], {});
    t.match(
      nobody.error,
      /^Script at specified location: b\.sh run as user no-such-user-here failed with exit code 1$/,
      'su refuses an unknown user',
    );
    script(dir, 'k.sh', 'kill -9 $$', 0o755);
    t.same(
      (await runHook(dir, [{ location: 'k.sh', timeout: 5 }], {})).error,
      'Script at specified location: k.sh failed with exit code ',
      'killed by a signal: no exit status (Ruby prints nil as nothing)',
    );
    writeFileSync(join(dir, 'd.sh'), '#!/nonexistent/interpreter\n', { mode: 0o755 });
    t.match(
      (await runHook(dir, [{ location: 'd.sh', timeout: 5 }], {})).error,
      /^Script at specified location: d\.sh failed with error ENOENT with message /,
    );
  });

  t.test('the timeout ends the script and what it started (SIGTERM to its group)', async (t) => {
    const dir = t.testdir({});
    script(dir, 'c.sh', 'sleep 30 & wait', 0o755);
    const started = Date.now();
    const r = await runHook(dir, [{ location: 'c.sh', timeout: 0.3 }], {});
    t.same(
      [r.ok, r.error, r.errorCode],
      [false, 'Script at specified location: c.sh failed to complete in 0.3 seconds', 'ScriptTimedOut'],
    );
    t.ok(Date.now() - started < 10_000, 'not the 30 s the script wanted');
  });

  t.test("the event's log, as the agent reports it: prefixed lines, its last 2 KiB", async (t) => {
    const dir = t.testdir({});
    script(dir, 'a.sh', 'echo one; echo two >&2; printf "no newline"', 0o755);
    script(dir, 'b.sh', 'exit 2', 0o755);
    const r = await runHook(
      dir,
      [
        { location: 'a.sh', timeout: 5 },
        { location: 'b.sh', timeout: 5 },
      ],
      { LIFECYCLE_EVENT: 'AfterInstall' },
    );
    t.same([r.errorCode, r.script], ['ScriptFailed', 'b.sh']);
    t.equal(
      r.log,
      'LifecycleEvent - AfterInstall\nScript - a.sh\n[stdout]one\n[stderr]two\n[stdout]no newlineScript - b.sh\n',
    );
    const ok = await runHook(dir, [{ location: 'a.sh', timeout: 5 }], {});
    t.match(ok.log, /^LifecycleEvent - \nScript - a\.sh\n/);
    t.equal((await runHook(dir, [{ location: 'none.sh', timeout: 5 }], {})).errorCode, 'ScriptMissing');
  });

  t.test('ScriptLog keeps the newest entries under 2048 characters (hook_executor.rb)', async (t) => {
    const big = 'x'.repeat(1000);
    let log: string[] = [];
    for (const entry of ['a', big, big, 'b']) log = appendToLog(log, entry);
    t.same(log, [big, 'b'], "the oldest go first, by the agent's own count");
    t.same(appendToLog(['a'], 'b'), ['a', 'b']);
    t.same(appendToLog([], 'y'.repeat(3000)), [], 'an entry alone over the bound is not kept');
  });
});

t.test('rolling-deploy.ts', async (t) => {
  const ok: Deployment = { ok: true, steps: {}, output: '' };
  const failed: Deployment = { ok: false, failed: 'ValidateService', steps: {}, output: '' };
  const timing = trafficTiming(10);
  const zip = new Uint8Array([1]);

  t.test('one host at a time', async (t) => {
    const calls: string[] = [];
    const hosts: string[] = [];
    const r = await rollOut({
      lb: fakeLb(calls),
      agents: [fakeAgent('h1', calls, [ok]), fakeAgent('h2', calls, [ok])],
      zip,
      timing,
      onHost: (h) => hosts.push(h.host),
    });
    t.same([r.ok, r.status], [true, 'Succeeded']);
    t.same(hosts, ['h1', 'h2']);
    t.ok(
      calls.indexOf('h1 healthy') < calls.indexOf('h2 drain'),
      'the next host waits until the last is healthy again',
    );
  });

  t.test(
    'a failure stops the rollout; the rollback restores every host it touched, the failed one first',
    async (t) => {
      const calls: string[] = [];
      const back: string[] = [];
      let rollbackHosts: string[] = [];
      const agents = [
        fakeAgent('h1', calls, [ok, ok]),
        fakeAgent('h2', calls, [failed, ok]),
        fakeAgent('h3', calls, [ok]),
      ];
      const phases: string[] = [];
      const r = await rollOut({
        lb: fakeLb(calls),
        agents,
        zip,
        previousZip: zip,
        timing,
        onHost: () => {},
        onRollbackStart: (hosts) => (rollbackHosts = hosts.map((a) => a.host.name)),
        onRollbackHost: (h) => back.push(h.host),
        hostOptions: (agent, phase) => {
          phases.push(`${agent.host.name} ${phase}`);
          return {};
        },
      });
      t.same(phases, ['h1 deploy', 'h2 deploy', 'h2 rollback', 'h1 rollback'], "each host's options, by phase");
      t.same([r.ok, r.status, r.hosts.length, r.rollback?.ok], [false, 'Failed', 2, true]);
      t.same(rollbackHosts, ['h2', 'h1']);
      t.same(back, ['h2', 'h1'], 'h2 is already out of service: taking h1 out first would leave h3 alone');
      t.notOk(calls.includes('h3 drain'), 'h3 is never touched');
      t.same(
        calls.slice(calls.indexOf('h2 deploy') + 1),
        [
          'h2 drain',
          'h2 drained',
          'h2 maint',
          'h2 deploy',
          'h2 ready',
          'h2 healthy',
          'h1 drain',
          'h1 drained',
          'h1 maint',
          'h1 deploy',
          'h1 ready',
          'h1 healthy',
        ],
        'each through traffic control',
      );
    },
  );

  t.test('OneAtATime: a failure on the last host leaves the deployment Succeeded, with no rollback', async (t) => {
    const r = await rollOut({
      lb: fakeLb([]),
      agents: [fakeAgent('h1', [], [ok]), fakeAgent('h2', [], [failed])],
      zip,
      previousZip: zip,
      timing,
      onHost: () => {},
    });
    t.same([r.ok, r.status, r.rollback], [false, 'Succeeded', undefined]);
  });

  t.test('a rollback that fails keeps the host out; no previous revision or no host left, no rollback', async (t) => {
    const calls: string[] = [];
    const r = await rollOut({
      lb: fakeLb(calls),
      agents: [fakeAgent('h1', calls, [failed, failed])],
      zip,
      previousZip: zip,
      timing,
      onHost: () => {},
    });
    t.same([r.ok, r.status, r.rollback?.ok, r.rollback?.hosts.length], [false, 'Failed', false, 1]);
    t.notOk(calls.includes('h1 ready'));
    const none = await rollOut({
      lb: fakeLb([]),
      agents: [fakeAgent('h1', [], [failed])],
      zip,
      timing,
      onHost: () => {},
    });
    t.same([none.ok, none.rollback], [false, undefined]);
    const gone = await rollOut({
      lb: fakeLb([]),
      agents: [fakeAgent('h1', [], [failed]), fakeAgent('h2', [], [ok])],
      zip,
      previousZip: zip,
      timing,
      exists: () => false,
      onHost: () => {},
    });
    t.same([gone.status, gone.rollback], ['Failed', undefined], 'a terminated host is not rolled back');
  });
});

t.test('traffic-control.ts', async (t) => {
  const ok: Deployment = { ok: true, steps: { ApplicationStop: 1, ValidateService: 2 }, output: '' };
  const failed: Deployment = { ok: false, failed: 'ValidateService', steps: { ValidateService: 3 }, output: 'boom' };

  t.test('timing is the target group divided by the scale', async (t) => {
    const timing = trafficTiming(10);
    t.equal(timing.drainMs, DEFAULT_DEREGISTRATION_DELAY_SECONDS * 100);
    t.equal(
      timing.healthyMs,
      (HEALTH_CHECK.healthyThreshold + 2) * HEALTH_CHECK.intervalSeconds * 100 + HEALTH_CHECK.timeoutSeconds * 100,
    );
  });

  t.test('drain, wait, take out, deploy, put back, wait for healthy', async (t) => {
    const calls: string[] = [];
    const r = await deployHost(fakeLb(calls, 3), fakeAgent('h1', calls, [ok]), new Uint8Array(), trafficTiming(10));
    t.same(calls, ['h1 drain', 'h1 drained', 'h1 maint', 'h1 deploy', 'h1 ready', 'h1 healthy']);
    t.equal(r.ok, true);
    t.same(Object.keys(r.steps), ['BlockTraffic', 'ApplicationStop', 'ValidateService', 'AllowTraffic']);
  });

  t.test('a failed deployment leaves the host out of the balancer', async (t) => {
    const calls: string[] = [];
    const r = await deployHost(fakeLb(calls), fakeAgent('h1', calls, [failed]), new Uint8Array(), trafficTiming(10));
    t.same(calls, ['h1 drain', 'h1 drained', 'h1 maint', 'h1 deploy']);
    t.same([r.ok, r.failed, r.steps.AllowTraffic], [false, 'ValidateService', undefined]);
  });

  t.test("every lifecycle event reported in CodeDeploy's order, the agent's in between", async (t) => {
    const events: string[] = [];
    const r = await deployHost(fakeLb([]), fakeAgent('h1', [], [ok]), new Uint8Array(), trafficTiming(10), {
      onEvent: (event, status) => void events.push(`${event} ${status}`),
    });
    t.equal(r.ok, true);
    t.same(
      events.filter((e) => e.endsWith('Succeeded')).map((e) => e.split(' ')[0]),
      [
        'BeforeBlockTraffic',
        'BlockTraffic',
        'AfterBlockTraffic',
        'ApplicationStop',
        'BeforeAllowTraffic',
        'AllowTraffic',
        'AfterAllowTraffic',
      ],
    );
  });

  t.test('a balancer that does not answer fails its traffic step (UnknownError)', async (t) => {
    const events: string[] = [];
    const onEvent = (event: string, status: string, d?: { errorCode: string; message: string }) =>
      void events.push(`${event} ${status}${d === undefined ? '' : ` ${d.errorCode} ${d.message}`}`);
    const calls: string[] = [];
    const block = await deployHost(
      fakeLb(calls, 0, 'drained'),
      fakeAgent('h1', calls, [ok]),
      new Uint8Array(),
      trafficTiming(10),
      { onEvent },
    );
    t.same([block.ok, block.failed], [false, 'BlockTraffic']);
    t.notOk(calls.includes('h1 deploy'), 'the hooks never run on a host still in service');
    t.match(events, [
      'BeforeBlockTraffic InProgress',
      'BeforeBlockTraffic Succeeded',
      'BlockTraffic InProgress',
      'BlockTraffic Failed UnknownError h1 not drained after 100 ms (status DRAIN)',
    ]);
    const allow = await deployHost(
      fakeLb([], 0, 'healthy'),
      fakeAgent('h1', [], [ok]),
      new Uint8Array(),
      trafficTiming(10),
    );
    t.same([allow.ok, allow.failed, allow.deployment.ok], [false, 'AllowTraffic', true]);
  });

  t.test('traffic control broken on purpose: the hooks run with the host still in the balancer', async (t) => {
    const calls: string[] = [];
    const r = await deployHost(fakeLb(calls), fakeAgent('h1', calls, [ok]), new Uint8Array(), trafficTiming(10), {
      skipBlockTraffic: true,
    });
    t.equal(r.ok, true);
    t.same(calls, ['h1 deploy', 'h1 ready', 'h1 healthy']);
  });
});

// The agent's Install planning rules that the lifecycle tests do not reach, each with the real
// agent's text (installer.rb, install_instruction.rb).
t.test('agent-installer.ts', async (t) => {
  function setup(t: Test) {
    const dir = t.testdir({
      archive: {
        'a.txt': 'a',
        'b.txt': 'b',
        sub: { 'c.txt': 'c', deep: { 'd.txt': 'd' } },
        other: { deep: 'a file named like a directory' },
      },
      host: {},
    });
    const o: InstallOptions = {
      archiveDir: join(dir, 'archive'),
      instructionsDir: join(dir, 'instructions'),
      deploymentGroupId: 'g1',
      fileExistsBehavior: 'DISALLOW',
      mapPath: (p) => join(dir, 'host', p),
    };
    const run = (yaml: string) => install(parseAppspec(`version: 0.0\nos: linux\n${yaml}`), o);
    return { dir, o, run, host: join(dir, 'host') };
  }

  t.test('simple globs: * only, never across a /', async (t) => {
    t.same(
      ['a.sh', 'x.sh.bak', 'dir/a.sh', '.sh', 'a.s?'].map((n) => matchesSimpleGlob(n, '*.sh')),
      [true, false, false, true, false],
    );
    t.equal(matchesSimpleGlob('a.s?', 'a.s?'), true, '? and other characters are literal');
  });

  t.test('a single file, missing ancestors, ownership, and the cleanup record', asRoot, async (t) => {
    const { run, host, dir } = setup(t);
    run(
      `files:\n  - source: sub/c.txt\n    destination: /opt/new/dir\npermissions:\n  - object: /opt/new/dir/c.txt\n    owner: root\n    group: root\n    mode: 600\n    type: [file]\n  - object: /opt\n    pattern: new\n    mode: 750\n    type: [directory]\n  - object: /opt/new/dir/c.txt\n    mode: 777\n    type: [directory]\n`,
    );
    t.equal(readFileSync(join(host, 'opt/new/dir/c.txt'), 'utf8'), 'c');
    t.equal(
      statSync(join(host, 'opt/new/dir/c.txt')).mode & 0o777,
      0o600,
      'a directory-only entry on a file is skipped, not a second match',
    );
    t.equal(statSync(join(host, 'opt/new/dir/c.txt')).uid, 0);
    t.equal(statSync(join(host, 'opt/new')).mode & 0o777, 0o750, 'an ancestor the install created');
    t.equal(
      readFileSync(join(dir, 'instructions/g1-cleanup'), 'utf8'),
      ['opt', 'opt/new', 'opt/new/dir', 'opt/new/dir/c.txt'].map((p) => `${join(host, p)}\n`).join(''),
    );
    mkdirSync(join(host, 'opt/new/keep'));
    writeFileSync(join(host, 'opt/new/keep/x'), "not the agent's");
    writeFileSync(
      join(dir, 'instructions/g1-cleanup'),
      `${readFileSync(join(dir, 'instructions/g1-cleanup'), 'utf8')}${join(host, 'opt/unfinished')}`,
    );
    run('');
    t.notOk(existsSync(join(host, 'opt/new/dir')), 'its files and emptied directories are removed');
    t.ok(existsSync(join(host, 'opt/new/keep/x')), 'a directory with other files stays');
    t.equal(readFileSync(join(dir, 'instructions/g1-cleanup'), 'utf8'), '', 'nothing installed this time');
  });

  t.test('owner or group alone', asRoot, async (t) => {
    const { run, host } = setup(t);
    run(
      'files:\n  - source: a.txt\n    destination: /o\n  - source: b.txt\n    destination: /o\npermissions:\n  - object: /o/a.txt\n    owner: root\n    type: [file]\n  - object: /o/b.txt\n    group: root\n    type: [file]\n',
    );
    t.same([statSync(join(host, 'o/a.txt')).uid, statSync(join(host, 'o/b.txt')).gid], [0, 0]);
  });

  t.test('two sources for one destination; a file where a directory is made', async (t) => {
    const { run, host } = setup(t);
    t.throws(
      () => run('files:\n  - source: a.txt\n    destination: /opt/x\n  - source: a.txt\n    destination: /opt/x\n'),
      {
        message: `The deployment failed because the application specification file specifies two source files named ${join(t.testdirName, 'archive/a.txt')} and ${join(t.testdirName, 'archive/a.txt')} for the same destination (${join(host, 'opt/x/a.txt')}). Remove one of the source file paths from the AppSpec file, and then try again.`,
      },
    );
    t.throws(
      () => run('files:\n  - source: sub\n    destination: /opt/y\n  - source: other\n    destination: /opt/y\n'),
      {
        message: `The deployment failed because the application specification file calls for installing the file ${join(t.testdirName, 'archive/other/deep')}, but a file with that name already exists at the location (${join(host, 'opt/y/deep')}). Update your AppSpec file or directory structure, and then try again.`,
      },
    );
    t.throws(
      () => run('files:\n  - source: other\n    destination: /opt/y\n  - source: sub\n    destination: /opt/y\n'),
      {
        message: `The deployment failed because the application specification file includes an mkdir command more than once for the same destination path (${join(host, 'opt/y/deep')}) from (${join(t.testdirName, 'archive/other/deep')}). Update the files section of the AppSpec file, and then try again.`,
      },
    );
    t.notOk(existsSync(join(host, 'opt/y/deep/d.txt')), 'a refused plan copies nothing');
  });
});

// The revisions the rehearsal derives from the release zip, on a small release of the same shape.
t.test('release-zip.ts', async (t) => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const server = enc('serve()');
  const unit = `[Service]\nExecStart=/usr/bin/node --flag ${HOST_PATHS.current}/app/server.mjs\n`;
  const files = { 'app/server.mjs': sha(server), 'deploy/x.service': sha(enc(unit)) };
  const release = zipSync({
    'release.json': enc(JSON.stringify({ name: 'x', version: 'v1', builtAt: 'then', files })),
    app: { 'server.mjs': server },
    deploy: { 'x.service': enc(unit) },
    hooks: { 'host.env': enc('# generated\nUNIT_NAME=x.service\nVALIDATE_TIMEOUT_SECONDS=60\nnot a value\n') },
    empty: {},
  });
  const manifest = (zip: Uint8Array) => JSON.parse(dec(readRelease(zip)['release.json'])) as Record<string, unknown>;

  t.test('version and host values of the release', async (t) => {
    t.equal(releaseVersionOf(release), 'v1');
    t.same(hostValuesOf(release), { UNIT_NAME: 'x.service', VALIDATE_TIMEOUT_SECONDS: '60' });
    t.notOk('empty/' in readRelease(release), 'directory entries are not files');
  });

  t.test('revision A: the same files under another version', async (t) => {
    const a = withVersion(release, 'rehearsal-a');
    t.same(manifest(a), { name: 'x', version: 'rehearsal-a', builtAt: 'then', files });
    t.equal(dec(readRelease(a)['app/server.mjs']), 'serve()');
    t.throws(() => withVersion(release, 'a/b'), /version "a\/b" is not allowed/);
  });

  t.test('the broken revision: its server exits at start, and release.json still verifies', async (t) => {
    const broken = readRelease(withBrokenServer(release, 'rehearsal-broken', 'deploy/x.service'));
    const entry = broken['app/server.mjs']!;
    t.match(dec(entry), /process\.exit\(1\)/);
    t.same(JSON.parse(dec(broken['release.json'])), {
      name: 'x',
      version: 'rehearsal-broken',
      builtAt: 'then',
      files: { ...files, 'app/server.mjs': sha(entry) },
    });
    t.throws(() => withBrokenServer(release, 'b', 'deploy/none.service'), /the zip has no deploy\/none\.service/);
  });

  t.test('the server file is the one ExecStart runs from current', async (t) => {
    t.equal(serverEntryOf(unit), 'app/server.mjs');
    t.throws(() => serverEntryOf('ExecStart=/bin/true\n'), /ExecStart runs no file below .*current\/: \/bin\/true/);
    t.throws(() => serverEntryOf('[Service]\n'), /\(none\)/);
  });

  t.test('a zip that is not a release says so', async (t) => {
    const other = zipSync({ 'a.txt': enc('a') });
    t.throws(() => releaseVersionOf(other), /the zip has no release\.json: not a release made by `pnpm package`/);
    t.throws(() => hostValuesOf(other), /the zip has no hooks\/host\.env/);
    t.throws(
      () => releaseVersionOf(zipSync({ 'release.json': enc('{}') })),
      /release\.json has no version or no files/,
    );
  });

  t.test('a file replaced after publishing: release.json still names the old one', async (t) => {
    const changed = enc('changed');
    const m = manifest(repackRelease(release, 'v2', { 'app/server.mjs': changed }, { verified: false }));
    t.same(m.files, files, 'the sha256 of what was published');
    t.equal(serverEntry(release, 'deploy/x.service'), 'app/server.mjs');
    t.throws(() => serverEntry(release, 'deploy/none.service'), /the zip has no deploy\/none\.service/);
  });
});

t.test('host-layout.ts', async (t) => {
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
});

t.test('report.ts', async (t) => {
  t.test('report lines', async (t) => {
    t.equal(seconds(1234), '1.2s');
    const ok = formatHost({
      host: 'h1',
      ok: true,
      steps: { BlockTraffic: 100, ValidateService: 1500 },
      ms: 3000,
      deployment: { ok: true, steps: {}, output: '' },
    });
    t.equal(ok, '  h1  ok      3.0s  (BlockTraffic 0.1s · ValidateService 1.5s)');
    const failed = formatHost({
      host: 'h2',
      ok: false,
      failed: 'ValidateService',
      steps: {},
      ms: 500,
      deployment: { ok: false, steps: {}, output: '' },
    });
    t.match(failed, 'h2  FAILED in ValidateService  0.5s  ()');
    t.equal(
      formatCounts('x', { sent: 3, failed: 0, versions: { a: 2, b: 1 }, failures: [] }),
      '  x: requests sent 3, failed 0 (answers by version: a: 2, b: 1)',
    );
    t.match(
      formatCounts('x', { sent: 1, failed: 1, versions: {}, failures: ['HTTP 503'] }),
      'by version: none)\n    first failures: HTTP 503',
    );
    t.equal(tail('a\nb\nc\n', 2), '      | b\n      | c');
    const output =
      '--- AfterInstall\n[after-install] fine\n--- ValidateService\n[probe] not reachable\n[validate-service] gave up; last lines:\nboot error\n[service-ctl] restarting\nboot error 2\n';
    t.equal(
      failureSummary(output, 2),
      '      | [probe] not reachable\n      | [validate-service] gave up; last lines:\n      | [service-ctl] restarting\n      | boot error 2',
    );
  });
});
