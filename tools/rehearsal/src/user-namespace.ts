// Rootless isolation for the rehearsal and its tests: root of a user namespace of their own, with
// their own mount, network and PID namespaces (util-linux unshare(1)). Namespace root is the
// caller's own uid; uids 1-65535 inside map to the caller's subordinate range (/etc/subuid and
// /etc/subgid, written through newuidmap/newgidmap from Debian's `uidmap`), so the service user
// the hooks create gets a uid of its own; real root maps its own range the same way when it has
// one. The namespaces end with their last process: nothing outlives a run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

/** Ids 0-65535 exist inside: root, the system range the hooks' useradd picks from, and nobody. */
export const INSIDE_IDS = 65536;

export interface IdRange {
  readonly start: number;
  readonly count: number;
}

export interface Caller {
  readonly uid: number;
  readonly gid: number;
  readonly user: string;
}

/** What the plan reads from the machine; injectable so every branch is tested. */
export interface SystemView {
  /** A file's text, or undefined when it is missing or unreadable. */
  readonly readFile: (path: string) => string | undefined;
  /** Whether a command is on PATH. */
  readonly has: (command: string) => boolean;
}

/** Something that keeps the namespaces from working, and the one command that fixes it. */
export interface Problem {
  readonly what: string;
  readonly fix: string;
}

export interface NamespacePlan {
  /** unshare's options for the run: ids mapped, then mount, network and PID namespaces. */
  readonly unshare: readonly string[];
  /** The id mapping alone: removes a work folder whose files belong to uids of the range. */
  readonly mapIds: readonly string[];
}

/** This machine, read for real. Commands are looked up in the sbin directories too. */
export const machine: SystemView = {
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  has: (command) =>
    spawnSync('sh', ['-c', 'PATH=$PATH:/usr/sbin:/sbin command -v "$1"', 'sh', command], { stdio: 'ignore' }).status ===
    0,
};

/** Who runs this process. */
export function currentCaller(): Caller {
  return { uid: process.getuid!(), gid: process.getgid!(), user: userInfo().username };
}

/** The first range of `user` (by name or uid) in the text of /etc/subuid or /etc/subgid. */
export function subordinateRange(text: string | undefined, user: string, id: number): IdRange | undefined {
  for (const line of (text ?? '').split('\n')) {
    const [owner, start, count] = line.trim().split(':');
    if (owner !== user && owner !== String(id)) continue;
    const range = { start: Number(start), count: Number(count) };
    if (Number.isInteger(range.start) && Number.isInteger(range.count)) return range;
  }
  return undefined;
}

/** The first free start of a 65536-id range above every range in the file (and above 100000). */
function freeStart(text: string | undefined): number {
  let start = 100_000;
  for (const line of (text ?? '').split('\n')) {
    const [, from, count] = line.trim().split(':').map(Number);
    if (Number.isInteger(from) && Number.isInteger(count)) start = Math.max(start, from! + count!);
  }
  return start;
}

const SYSCTLS: readonly { file: string; name: string; blocks: string; value: string; why: string }[] = [
  {
    file: '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
    name: 'kernel.apparmor_restrict_unprivileged_userns',
    blocks: '1',
    value: '0',
    why: 'AppArmor restricts unprivileged user namespaces on this machine (Ubuntu 23.10 and later, GitHub ubuntu-24.04 runners)',
  },
  {
    file: '/proc/sys/kernel/unprivileged_userns_clone',
    name: 'kernel.unprivileged_userns_clone',
    blocks: '0',
    value: '1',
    why: 'the kernel allows user namespaces to root only',
  },
];

function tools(caller: Caller, sys: SystemView): Problem[] {
  const needed: [string, string][] = [
    ['unshare', 'util-linux'],
    ['mount', 'mount'],
    ['ip', 'iproute2'],
  ];
  if (caller.uid !== 0) needed.push(['newuidmap', 'uidmap'], ['newgidmap', 'uidmap']);
  const missing = needed.filter(([command]) => !sys.has(command));
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  return missing.length === 0
    ? []
    : [
        {
          what: `${missing.map(([c]) => c).join(', ')} not found: the rehearsal builds its namespaces with them`,
          fix: `${caller.uid === 0 ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`,
        },
      ];
}

/** The namespaces this caller gets, or what stands in the way (each with its fix). */
export function planNamespaces(caller: Caller, sys: SystemView): { plan: NamespacePlan } | { problems: Problem[] } {
  const problems = tools(caller, sys);
  if (sys.readFile('/proc/sys/user/max_user_namespaces')?.trim() === '0')
    problems.push({
      what: 'user namespaces are switched off (user.max_user_namespaces=0)',
      fix: `${caller.uid === 0 ? '' : 'sudo '}sysctl -w user.max_user_namespaces=15000`,
    });
  if (caller.uid !== 0) {
    for (const s of SYSCTLS)
      if (sys.readFile(s.file)?.trim() === s.blocks)
        problems.push({ what: `${s.why} (${s.name}=${s.blocks})`, fix: `sudo sysctl -w ${s.name}=${s.value}` });
  }
  const subuid = sys.readFile('/etc/subuid');
  const subgid = sys.readFile('/etc/subgid');
  const uids = subordinateRange(subuid, caller.user, caller.uid);
  const gids = subordinateRange(subgid, caller.user, caller.uid);
  const enough = (r: IdRange | undefined): r is IdRange => r !== undefined && r.count >= INSIDE_IDS - 1;
  if (caller.uid !== 0 && (!enough(uids) || !enough(gids))) {
    const start = Math.max(freeStart(subuid), freeStart(subgid));
    const range = `${start}-${start + INSIDE_IDS - 1}`;
    problems.push({
      what: `${caller.user} has no subordinate id range of ${INSIDE_IDS - 1} or more in /etc/subuid and /etc/subgid (the service user's uid inside comes from it)`,
      fix: `sudo usermod --add-subuids ${range} --add-subgids ${range} ${caller.user}`,
    });
  }
  if (problems.length > 0) return { problems };
  const others = ['--mount', '--net', '--pid', '--fork', '--kill-child', '--mount-proc'];
  // Real root without a range of its own keeps the machine's uids: it needs no user namespace to
  // mount or to switch users, and unshare before util-linux 2.40 maps ids only through newuidmap,
  // which wants a range for root too.
  if (!enough(uids) || !enough(gids)) return { plan: { mapIds: [], unshare: others } };
  const mapIds = [
    '--user',
    '--map-root-user',
    `--map-users=${uids.start},1,${INSIDE_IDS - 1}`,
    `--map-groups=${gids.start},1,${INSIDE_IDS - 1}`,
  ];
  return { plan: { mapIds, unshare: [...mapIds, ...others] } };
}

/** The problems as a few lines for a person: what is wrong, then the command that fixes it. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.what}\n  fix: ${p.fix}\n`).join('');
}
