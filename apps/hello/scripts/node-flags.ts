// The V8 options the unit gives the Node line the hosts run (NODE_MAJOR in @hello/config).
//
// From Node 24, V8 lets the young generation grow to far larger semi-spaces than Node 22 did on
// the same machine (Node sizes the heap from the memory it has, cgroup limit included). Under
// load the service's RSS then settles much higher for no gain in speed (docs/performance.md
// measures both). `--max-semi-space-size` (a public V8 option) caps it; Node 22 needs no cap.
// The unit is rendered for NODE_MAJOR, the major the user data installs; the bench asks for the
// flags of the Node it runs on.

export const SEMI_SPACE_MIB = 16;

export function nodeFlags(major: number): readonly string[] {
  return major >= 24 ? [`--max-semi-space-size=${SEMI_SPACE_MIB}`] : [];
}

/** The running Node's major. */
export const RUNNING_NODE_MAJOR = Number(process.versions.node.split('.')[0]);
