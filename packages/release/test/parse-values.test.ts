import t from 'tap';
import { formatDuration, parseDuration, parseStage, parseVersion } from '../src/parse-values.ts';

t.test('durations', (t) => {
  t.equal(parseDuration('90s', '--timeout'), 90_000);
  t.equal(parseDuration('30m', '--timeout'), 1_800_000);
  t.equal(parseDuration('1h', '--timeout'), 3_600_000);
  t.equal(parseDuration('45', '--timeout'), 45_000);
  t.throws(() => parseDuration('0', '--timeout'), /--timeout "0" is not a duration; use e.g. 90s, 30m or 1h/);
  t.throws(() => parseDuration('-5m', '--busy-timeout'), /--busy-timeout "-5m"/);
  t.equal(formatDuration(90_000), '90s');
  t.equal(formatDuration(1_800_000), '30m');
  t.end();
});

t.test('stages and versions', (t) => {
  t.equal(parseStage('prod'), 'prod');
  t.throws(() => parseStage('dev', '--from'), {
    message: '--from "dev" is not a configured stage; the stages are: staging, prod',
    exitCode: 2,
  });
  t.equal(parseVersion('0123abc.def_-'), '0123abc.def_-');
  t.throws(() => parseVersion('a/b'), /expected 1-64 letters/);
  t.end();
});
