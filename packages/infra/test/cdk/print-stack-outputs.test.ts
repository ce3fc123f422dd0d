import t from 'tap';
import { formatStackOutputs } from '../../src/cdk/print-stack-outputs.ts';

t.test("aligns each stack's outputs under its name", (t) => {
  t.equal(
    formatStackOutputs({ a: { Url: 'https://x', LongerKey: 'v' } }),
    'a\n  Url        https://x\n  LongerKey  v\n',
  );
  t.equal(formatStackOutputs({}), '\n');
  t.end();
});
