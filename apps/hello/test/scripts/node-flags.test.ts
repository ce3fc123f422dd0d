// The unit's V8 options: which Node lines get them, and their effect on a real Node's heap.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { RUNNING_NODE_MAJOR, SEMI_SPACE_MIB, nodeFlags } from '../../scripts/node-flags.ts';

t.test('Node 24 and later get the young-generation cap; Node 20 and 22 get no flag', async (t) => {
  t.same(nodeFlags(20), []);
  t.same(nodeFlags(22), []);
  t.same(nodeFlags(24), [`--max-semi-space-size=${SEMI_SPACE_MIB}`]);
  t.same(nodeFlags(26), nodeFlags(24));
  t.equal(RUNNING_NODE_MAJOR, Number(/^v(\d+)\./.exec(process.version)![1]));
});

// Allocates short-lived objects with a few thousand alive at any time, as requests do, until the
// new space has grown to the cap (or a bound on the work), and prints the largest size it saw.
const ALLOCATE = `
const v8 = require('node:v8');
const cap = Number(process.argv[1]) * 2 * 2 ** 20;
const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
let live = [], largest = 0;
for (let i = 1; i <= 2e7; i++) {
  live.push({ i, s: 'x' + i });
  if (live.length > 20000) live = [];
  if (i % 100000 === 0) { largest = Math.max(largest, size()); if (largest >= cap && i >= 4e6) break; }
}
console.log(largest);
`;

t.test('the flag holds the new space (two semi-spaces) at the cap under a steady allocation load', async (t) => {
  const flags = nodeFlags(24);
  const run = spawnSync(process.execPath, [...flags, '-e', ALLOCATE, String(SEMI_SPACE_MIB)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(run.status, 0, run.stderr);
  t.equal(
    Number(run.stdout) / 2 ** 20,
    2 * SEMI_SPACE_MIB,
    `new space with ${flags.join(' ')} on Node ${process.version}`,
  );
});
