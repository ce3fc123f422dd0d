import t from 'tap';
import { join } from 'node:path';
import { project } from '@hello/config/project';
import { missingTools, rehearseCli, type RehearseCliContext } from '../../rehearse/rehearse-cli.ts';
import type { RehearsalOptions, RehearsalResult } from '../../rehearse/rehearsal.ts';

const passed = { ok: true, problems: [] } as unknown as RehearsalResult;

async function run(argv: string[], over: Partial<RehearseCliContext> = {}) {
  let out = '';
  let err = '';
  const seen: RehearsalOptions[] = [];
  const appDir = t.testdir({ artifacts: { 'hello-cafe01.zip': 'zip' } });
  const code = await rehearseCli({
    argv,
    env: {},
    appDir,
    git: (args) => ({ 'rev-parse HEAD': 'cafe01', 'log -1 --format=%cI': '2026-01-01T00:00:00Z' })[args.join(' ')]!,
    run: async (o) => {
      seen.push(o);
      o.log('a line from the rehearsal');
      return passed;
    },
    missingTools: () => [],
    uid: 0,
    out: (s) => (out += s),
    err: (s) => (err += s),
    ...over,
  });
  return { code, out, err, seen, appDir };
}

t.test('runs the rehearsal on the packaged artifact of this commit', async (t) => {
  const r = await run([]);
  t.equal(r.code, 0, r.err);
  t.same(
    r.seen.map((o) => [o.revisionZip, o.hosts, o.timeScale, o.stage, o.applicationName]),
    [[join(r.appDir, 'artifacts/hello-cafe01.zip'), 2, 10, 'staging', `${project.name}-staging`]],
  );
  t.match(
    r.out,
    /2 hosts on 127\.0\.0\.1 behind haproxy; .* at 1\/10 of the target group's \(same ratios\)\na line from the rehearsal\nrehearsal passed/,
  );
});

t.test('a failed rehearsal exits 1 and lists its problems', async (t) => {
  const r = await run(['--hosts', '3', '--time-scale', '5'], {
    run: async () => ({ ok: false, problems: ['2 requests failed'] }) as unknown as RehearsalResult,
  });
  t.equal(r.code, 1);
  t.equal(r.err, 'rehearsal FAILED: 2 requests failed\n');
});

t.test('explains what is wrong before starting anything', async (t) => {
  t.match((await run(['--hosts', '1'])).err, /--hosts 1 is not allowed; expected 2 to 6/);
  t.match((await run(['--time-scale', '0.5'])).err, /--time-scale 0\.5 is not allowed/);
  t.match(
    (await run([], { missingTools: () => ['haproxy (apt-get install -y haproxy)'] })).err,
    /missing tools: haproxy \(apt-get install -y haproxy\)/,
  );
  t.match(
    (await run(['--revision', '/nonexistent.zip'])).err,
    /\/nonexistent\.zip does not exist: run `pnpm package` first/,
  );
  t.match((await run([], { appDir: '/tmp/with space' })).err, /contains whitespace/);
  t.match((await run([], { uid: 1000 })).err, /runs the hooks as root and the service as its unit's User=/);
  const other = await run(['--revision', join(t.testdir({ 'r.zip': '' }), 'r.zip')]);
  t.equal(other.code, 0, 'an explicit revision');
  t.equal(other.seen.length, 1);
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
