import t from 'tap';
import { formatFinding } from '../src/finding.ts';

void t.test('a finding prints as file:line: [rule] message', (t) => {
  t.equal(
    formatFinding({
      file: '.github/workflows/ci.yml',
      line: 7,
      rule: 'timeout',
      message: 'job "x" has no timeout-minutes',
    }),
    '.github/workflows/ci.yml:7: [timeout] job "x" has no timeout-minutes',
  );
  t.end();
});
