// The unit's V8 options: which Node lines get them (their effect is measured by `pnpm bench`).
import t from 'tap';
import { RUNNING_NODE_MAJOR, SEMI_SPACE_MIB, nodeFlags } from '../../scripts/node-flags.ts';

t.test('Node 24 and later get the young-generation cap; Node 22 gets no flag', async (t) => {
  t.same(nodeFlags(22), []);
  t.same(nodeFlags(24), [`--max-semi-space-size=${SEMI_SPACE_MIB}`]);
  t.same(nodeFlags(26), nodeFlags(24));
  t.equal(RUNNING_NODE_MAJOR, Number(/^v(\d+)\./.exec(process.version)![1]));
});
