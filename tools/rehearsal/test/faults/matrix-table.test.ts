import t from 'tap';
import { emptyCounts } from '../../src/load-generator.ts';
import { cliSummary, matrixTable } from '../../src/faults/matrix-table.ts';
import { check, type Check, type MatrixRow } from '../../src/faults/scenario.ts';

const row = (fault: string, checks: Check[], o: Partial<MatrixRow> = {}, control = false): MatrixRow => ({
  scenario: {
    id: fault,
    fault,
    goal: 'g',
    ...(control ? { control } : {}),
    run: () => Promise.reject(new Error('no')),
  },
  outcome: { faultAt: 0, version: 'v', maxFailed: 0, checks: [] },
  load: { ...emptyCounts(), sent: 100, failed: 3 },
  serving: { h1: 'v1', h2: 'v1' },
  wholeMs: 4200,
  checks,
  ...o,
});

t.test('what the CLI said: the failing host first, else the success, else the error', async (t) => {
  t.equal(cliSummary(undefined), '—');
  t.equal(
    cliSummary({
      code: 1,
      stdout: '',
      stderr: 'error: deployment d-1 Failed\nhost h2 failed at Install: UnknownError: ENOSPC\n',
    }),
    'exit 1: host h2 failed at Install: UnknownError: ENOSPC',
  );
  t.equal(
    cliSummary({ code: 0, stdout: 'h1 Succeeded\ndeployment d-1 succeeded on 2 host(s)\n', stderr: '' }),
    'exit 0: deployment d-1 succeeded on 2 host(s)',
  );
  t.equal(cliSummary({ code: 1, stdout: '', stderr: 'error: no credentials\n' }), 'exit 1: error: no credentials');
  t.equal(cliSummary({ code: 1, stdout: '', stderr: '' }), 'exit 1: (nothing)');
});

t.test('one Markdown row per fault, with its goal', async (t) => {
  const table = matrixTable(
    [
      row('a | b', [check('x', true)], {
        cli: { code: 0, stdout: 'deployment d-1 succeeded on 2 host(s)', stderr: '' },
      }),
      row('broken', [check('no failed request', false, '3 failed: HTTP 503')], {
        wholeMs: undefined,
        serving: { h1: 'v1', h2: 'v2' },
      }),
      row('control', [check('no failed request', false, '3 failed: HTTP 503')], {}, true),
      row('blind control', [check('no failed request', true)], {}, true),
      row('control without detail', [check('no failed request', false)], {}, true),
      row('n/a', [], { outcome: { faultAt: 0, version: 'v', maxFailed: undefined, checks: [], skipped: 'no | such' } }),
    ],
    'v1',
  );
  const [legend, , ...lines] = table.trimEnd().split('\n');
  t.equal(legend, 'B is release v1.');
  t.equal(lines.length, 8);
  t.equal(lines[2], '| a \\| b | 100 / 3 | h1 B, h2 B | 4.2s | exit 0: deployment d-1 succeeded on 2 host(s) | met |');
  t.match(lines[3], '| h1 B, h2 v2 | not whole | — | **not met**: no failed request |');
  t.match(lines[4], '| fails, as it must (3 failed) |');
  t.match(lines[5], '| **met: the matrix cannot see this fault** |');
  t.match(lines[6], '| fails, as it must (no failed request) |');
  t.equal(lines[7], '| n/a | — | — | — | — | not applicable: no \\| such |');
});
