// Real namespaces, nested in the test run's own (src/in-namespace.ts): what the command inside
// sees, its exit code, the time bound, and the work folder left behind (or not).
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeCommand, runInNamespace, type NamespaceRun } from '../src/namespace-runner.ts';
import { currentCaller, machine, planNamespaces, type NamespacePlan } from '../src/user-namespace.ts';
import { asRoot } from './helpers/as-root.ts';

t.setTimeout(60_000);

function plan(): NamespacePlan {
  const r = planNamespaces(currentCaller(), machine);
  if ('problems' in r) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

async function run(command: string, over: Partial<NamespaceRun> = {}) {
  const lines: string[] = [];
  const code = await runInNamespace({
    plan: plan(),
    command: ['bash', '-c', command],
    env: process.env,
    timeLimitMs: 30_000,
    keepOnFailure: false,
    uid: 0,
    log: (line) => lines.push(line),
    ...over,
  });
  return { code, lines };
}

t.test('root inside, loopback up, a private /etc and /var/log, the folder gone afterwards', asRoot, async (t) => {
  const out = join(t.testdir({}), 'out');
  const r = await run(
    `{ id -u; cat /sys/class/net/lo/operstate; cut -d: -f1 /etc/passwd | tr '\\n' ' '; echo; ls -A /var/log | wc -l; ` +
      `useradd --system --no-create-home svc && id -u svc; test -r /etc/nsswitch.conf && echo machine-etc; ` +
      `echo "$$"; echo "$REHEARSAL_WORK"; } > ${out}`,
  );
  t.equal(r.code, 0, r.lines.join('\n'));
  const [uid, lo, users, logs, svc, etc, pid, work] = readFileSync(out, 'utf8').trim().split('\n');
  t.same([uid, lo, users, logs], ['0', 'unknown', 'root nobody ', '0'], 'root, lo up, only root and nobody');
  t.ok(Number(svc) > 0, 'useradd writes the private copy');
  t.equal(etc, 'machine-etc', "the machine's other /etc entries are there");
  t.not(pid, '1', 'the command runs under the namespace init');
  t.notOk(existsSync(work!), 'the work folder is removed');
  t.notOk(readFileSync('/etc/passwd', 'utf8').includes('svc:'), 'nothing of it outside');
});

t.test('the exit code, and the folder kept for inspection when asked', asRoot, async (t) => {
  t.equal((await run('exit 3')).code, 3);
  const kept = await run('exit 4', { keepOnFailure: true });
  t.equal(kept.code, 4);
  const dir = /^kept (\S+) for inspection; remove it with: rm -rf -- \1$/.exec(kept.lines[0]!)?.[1];
  t.ok(dir !== undefined && existsSync(dir), kept.lines.join(' '));
  t.equal((await run(`rm -rf -- ${dir}`)).code, 0);
  const other = await run('true', { uid: 1000 });
  t.equal(other.code, 0, 'anyone else removes it through the id mapping');
});

t.test('bounded: the time limit and a signal end everything inside', asRoot, async (t) => {
  const started = Date.now();
  const slow = await run('sleep 30 & sleep 30', { timeLimitMs: 300 });
  t.equal(slow.code, 137);
  t.same(slow.lines, ['gave up after 0.3s: every process in its namespaces was stopped']);
  const signalled = run('sleep 30', { timeLimitMs: 30_000 });
  setImmediate(() => process.emit('SIGTERM', 'SIGTERM'));
  const r = await signalled;
  t.equal(r.code, 137);
  t.same(r.lines, ['stopped by SIGTERM: every process in its namespaces was stopped']);
  t.ok(Date.now() - started < 20_000, 'neither waited for its sleep');
  const noUnshare = await run('true', { env: { PATH: '/nonexistent' } });
  t.equal(noUnshare.code, 127);
  t.match(noUnshare.lines[0], /^could not start unshare: spawn unshare ENOENT/);
});

t.test('the removal command of each caller', async (t) => {
  const p: NamespacePlan = { unshare: [], mapIds: ['--user', '--map-root-user'] };
  t.same(removeCommand(p, 0, '/tmp/w'), ['rm', '-rf', '--', '/tmp/w']);
  t.same(removeCommand(p, 1000, '/tmp/w'), ['unshare', '--user', '--map-root-user', '--', 'rm', '-rf', '--', '/tmp/w']);
});
