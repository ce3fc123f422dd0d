import t from 'tap';
import {
  currentCaller,
  formatProblems,
  machine,
  planNamespaces,
  subordinateRange,
  type Caller,
  type SystemView,
} from '../src/user-namespace.ts';

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
