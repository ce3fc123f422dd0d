import t from 'tap';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { project } from '@hello/config/project';
import { missingTools, newestRelease, rehearseCli, type RehearseCliContext } from '../src/rehearse-cli.ts';
import type { RehearsalRequest } from '../src/rehearse-cli.ts';
import type { NamespacePlan } from '../src/user-namespace.ts';

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

t.test('--faults runs the matrix, all of it or --only some scenarios, --skip-drain breaks it on purpose', async (t) => {
  t.same((await run(['--faults'])).seen[0]?.faults, { only: [], skipDrain: false });
  t.same((await run(['--faults', '--only', 'a,b', '--skip-drain'])).seen[0]?.faults, {
    only: ['a', 'b'],
    skipDrain: true,
  });
  t.equal((await run([])).seen[0]?.faults, undefined);
  t.match((await run(['--only', 'a'])).err, '--only and --skip-drain choose what the fault matrix runs: add --faults');
  t.match((await run(['--skip-drain'])).err, 'add --faults');
});

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
