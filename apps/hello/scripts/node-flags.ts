// The V8 options the unit gives the Node line the hosts run (NODE_MAJOR in @hello/config).
//
// Node 24's V8 lets the young generation grow to 64 MiB semi-spaces on a 24 GiB machine and to
// 32 MiB with 2 GiB (a t4g.small; Node sizes the heap from the memory it has, cgroup limit
// included); Node 20 and 22 stop at 16 MiB there and 8 MiB with 2 GiB. Under load the service's
// RSS then settles 30-40 MiB higher on Node 24 for no gain in speed (docs/performance.md).
// `--max-semi-space-size=16` gives Node 24 the older lines' large-machine limit.
//
// Only from Node 24: on Node 20 any V8 flag costs start-up (its built-in code cache no longer
// matches the flags: `node -e "require('https')"` takes 15-25 ms longer, the service's cold start
// about 70 ms), and Node 22 needs no cap. The unit is rendered for NODE_MAJOR, the major the user
// data installs; the bench asks for the flags of the Node it runs on.

export const SEMI_SPACE_MIB = 16;

export function nodeFlags(major: number): readonly string[] {
  return major >= 24 ? [`--max-semi-space-size=${SEMI_SPACE_MIB}`] : [];
}

/** The running Node's major. */
export const RUNNING_NODE_MAJOR = Number(process.versions.node.split('.')[0]);
