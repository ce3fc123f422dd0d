import t from 'tap';
import { failureSummary, formatCounts, formatHost, seconds, tail } from '../src/report.ts';

t.test('report lines', async (t) => {
  t.equal(seconds(1234), '1.2s');
  const ok = formatHost({
    host: 'h1',
    ok: true,
    steps: { BlockTraffic: 100, ValidateService: 1500 },
    ms: 3000,
    deployment: { ok: true, steps: {}, output: '' },
  });
  t.equal(ok, '  h1  ok      3.0s  (BlockTraffic 0.1s · ValidateService 1.5s)');
  const failed = formatHost({
    host: 'h2',
    ok: false,
    failed: 'ValidateService',
    steps: {},
    ms: 500,
    deployment: { ok: false, steps: {}, output: '' },
  });
  t.match(failed, 'h2  FAILED in ValidateService  0.5s  ()');
  t.equal(
    formatCounts('x', { sent: 3, failed: 0, versions: { a: 2, b: 1 }, failures: [] }),
    '  x: requests sent 3, failed 0 (answers by version: a: 2, b: 1)',
  );
  t.match(
    formatCounts('x', { sent: 1, failed: 1, versions: {}, failures: ['HTTP 503'] }),
    'by version: none)\n    first failures: HTTP 503',
  );
  t.equal(tail('a\nb\nc\n', 2), '      | b\n      | c');
  const output =
    '--- AfterInstall\n[after-install] fine\n--- ValidateService\n[probe] not reachable\n[validate-service] gave up; last lines:\nboot error\n[service-ctl] restarting\nboot error 2\n';
  t.equal(
    failureSummary(output, 2),
    '      | [probe] not reachable\n      | [validate-service] gave up; last lines:\n      | [service-ctl] restarting\n      | boot error 2',
  );
});
