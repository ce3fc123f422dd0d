import t from 'tap';
import { describeFailure, hostFailures, unsuccessfulHosts } from '../src/describe-failure.ts';
import { stepSummary } from '../src/step-summary.ts';
import { compactHostLine, eventDuration, eventMark, fitLine, idWidth } from '../src/format-host.ts';
import { createProgressRenderer, DEFAULT_COLUMNS, terminalColumns } from '../src/render-progress.ts';
import { testDeps } from './release-test-deps.ts';
import { formatDuration, parseDuration, parseStage, parseVersion } from '../src/parse-values.ts';

t.test('describe-failure.ts', async (t) => {
  t.test('a failed event without diagnostics still names the host and event', (t) => {
    const snapshot = {
      id: 'd-1',
      status: 'Failed',
      hosts: [
        { id: 'i-a', status: 'Failed', events: [{ name: 'BeforeInstall', status: 'Failed' }] },
        {
          id: 'i-b',
          status: 'Failed',
          events: [
            {
              name: 'Install',
              status: 'Failed',
              diagnostics: { errorCode: 'ScriptTimedOut' as const, message: 'slow', logTail: '  \n' },
            },
          ],
        },
      ],
    };
    t.same(
      hostFailures(snapshot).map((f) => [f.host, f.event, f.errorCode, f.message]),
      [
        ['i-a', 'BeforeInstall', 'UnknownError', 'no message'],
        ['i-b', 'Install', 'ScriptTimedOut', 'slow'],
      ],
    );
    const lines = describeFailure(snapshot, 'https://console');
    t.same(
      lines,
      [
        'deployment d-1 Failed: no error code: no message',
        'host i-a failed at BeforeInstall: UnknownError: no message',
        'host i-b failed at Install: ScriptTimedOut: slow',
        'console: https://console',
      ],
      'a blank log tail is left out',
    );
    t.end();
  });

  t.test("a stopped host's event with an empty script name gets no empty parentheses", (t) => {
    const snapshot = {
      id: 'd-2',
      status: 'Stopped',
      hosts: [
        {
          id: 'i-c',
          status: 'Failed',
          events: [
            {
              name: 'AfterInstall',
              status: 'Failed',
              diagnostics: { errorCode: 'UnknownError' as const, scriptName: '', message: 'stopped' },
            },
          ],
        },
      ],
    };
    t.equal(describeFailure(snapshot, 'https://console')[1], 'host i-c failed at AfterInstall: UnknownError: stopped');
    t.end();
  });

  t.test('a deployment CodeDeploy calls Succeeded fails when one host did not succeed', (t) => {
    const snapshot = {
      id: 'd-2',
      status: 'Succeeded',
      hosts: [
        { id: 'i-a', status: 'Succeeded', events: [{ name: 'ValidateService', status: 'Succeeded' }] },
        {
          id: 'i-b',
          status: 'Failed',
          events: [
            {
              name: 'ValidateService',
              status: 'Failed',
              diagnostics: { errorCode: 'ScriptFailed' as const, message: 'exit 1', logTail: 'health check failed\n' },
            },
          ],
        },
        { id: 'i-c', status: 'Unknown', events: [] },
      ],
    };
    t.same(
      unsuccessfulHosts(snapshot).map((h) => h.id),
      ['i-b', 'i-c'],
    );
    t.same(describeFailure(snapshot, 'https://console'), [
      'deployment d-2 failed on 2 of 3 host(s), although CodeDeploy reports it Succeeded (its deployment configuration let the other hosts carry it): every host must succeed',
      'host i-b failed at ValidateService: ScriptFailed: exit 1',
      '  log tail of ValidateService on i-b:',
      '    health check failed',
      'host i-c ended Unknown without a failed lifecycle event: CodeDeploy heard nothing more from it: the instance was terminated or rebooted, or its CodeDeploy agent stopped (CodeDeploy waits up to an hour for an agent)',
      'console: https://console',
    ]);
    t.end();
  });
});

t.test('step-summary.ts', async (t) => {
  t.test('a deployment without hosts or names still renders a table', (t) => {
    const md = stepSummary({ id: 'd-1', status: 'Stopped', hosts: [] }, 'https://c');
    t.match(md, '### CodeDeploy [d-1](https://c): Stopped\n');
    t.match(md, '| – | – | no hosts reported | |');
    t.end();
  });

  t.test('unknown statuses get a neutral icon and a missing group stays empty', (t) => {
    const md = stepSummary(
      {
        id: 'd-2',
        status: 'InProgress',
        application: 'app',
        hosts: [{ id: 'i-1', status: 'Unknown', events: [{ name: 'Install', status: 'Ready' }] }],
      },
      'https://c',
    );
    t.match(md, ' (app / ): InProgress');
    t.match(md, '| `i-1` | ❔ Unknown | ❔ Install |  |');
    t.end();
  });
});

t.test('format-host.ts', async (t) => {
  t.test('marks, durations and alignment', (t) => {
    t.same(['Succeeded', 'Failed', 'InProgress', 'Pending', 'Skipped', 'Unknown'].map(eventMark), [
      '✓',
      '✗',
      '▶',
      '·',
      '-',
      '?',
    ]);
    t.equal(eventDuration({ name: 'x', status: 'Succeeded', startTime: new Date(0), endTime: new Date(2500) }), '2.5s');
    t.equal(eventDuration({ name: 'x', status: 'InProgress', startTime: new Date(0) }), '');
    t.equal(idWidth([]), 4);
    t.end();
  });

  t.test('a compact host line: done/total and the event that matters', (t) => {
    const events = (...statuses: string[]) => statuses.map((status, i) => ({ name: `Event${i}`, status }));
    t.equal(compactHostLine({ id: 'i-1', status: 'Pending', events: [] }, 6), 'i-1     Pending');
    t.equal(
      compactHostLine(
        { id: 'i-1', status: 'InProgress', events: events('Succeeded', 'Skipped', 'InProgress', 'Pending') },
        3,
      ),
      'i-1  InProgress  2/4 ▶Event2',
    );
    t.equal(
      compactHostLine({ id: 'i-1', status: 'Failed', events: events('Succeeded', 'Failed', 'Pending') }, 3),
      'i-1  Failed      1/3 ✗Event1',
    );
    t.equal(
      compactHostLine({ id: 'i-1', status: 'InProgress', events: events('Succeeded', 'Pending') }, 3),
      'i-1  InProgress  1/2 ·Event1',
    );
    t.equal(
      compactHostLine({ id: 'i-1', status: 'Succeeded', events: events('Succeeded', 'Succeeded') }, 3),
      'i-1  Succeeded   2/2 ✓Event1',
    );
    // The longest real names: a full instance id, a status and CodeDeploy's longest hook name.
    const longest = compactHostLine(
      {
        id: 'i-0123456789abcdef0',
        status: 'InProgress',
        events: [{ name: 'BeforeBlockTraffic', status: 'InProgress' }, ...events(...Array<string>(12).fill('Pending'))],
      },
      19,
    );
    t.ok(`  ${longest}`.length < 80, `${longest.length} columns`);
    t.end();
  });

  t.test('lines are cut to the terminal width, counting characters, not bytes', (t) => {
    t.equal(fitLine('abc', 80), 'abc');
    t.equal(fitLine('✓abcdef', 5), '✓ab…');
    t.equal(fitLine('abcdef', 6), 'abcd…');
    t.equal(fitLine('abcdef', 1), 'a…');
    t.end();
  });
});

t.test('render-progress.ts', async (t) => {
  const snapshot = (status: string) => ({
    id: 'd-0123456789',
    status,
    hosts: ['i-0123456789abcdef0', 'i-0fedcba9876543210'].map((id) => ({
      id,
      status,
      events: [
        'ApplicationStop',
        'DownloadBundle',
        'BeforeBlockTraffic',
        'BlockTraffic',
        'AfterBlockTraffic',
        'BeforeInstall',
        'Install',
        'AfterInstall',
        'ApplicationStart',
        'ValidateService',
        'BeforeAllowTraffic',
        'AllowTraffic',
        'AfterAllowTraffic',
      ].map((name, i) => ({ name, status: i < 3 ? 'Succeeded' : i === 3 ? 'InProgress' : 'Pending' })),
    })),
  });

  // ESC [ n A (cursor up n rows), ESC [ 0 J (clear to the end of the screen).
  const ESC = String.fromCharCode(27);
  const ERASE = new RegExp(`${ESC}\\[(\\d+)A${ESC}\\[0J`);

  /** The rows a terminal shows after the renderer's output (cursor up + clear honoured). */
  function screen(out: string): string[] {
    const rows: string[] = [];
    for (const chunk of out.split(new RegExp(`(?=${ERASE.source})`))) {
      const up = ERASE.exec(chunk);
      if (up) rows.splice(rows.length - Number(up[1]));
      rows.push(...chunk.replace(ERASE, '').split('\n').slice(0, -1));
    }
    return rows;
  }

  t.test('on a terminal: every row fits 80 columns and a redraw replaces exactly the last table', async (t) => {
    const deps = testDeps({ isTTY: true });
    const renderer = createProgressRenderer(deps, 'https://console');
    renderer.update(snapshot('InProgress'));
    renderer.update(snapshot('InProgress'));
    await renderer.finish(snapshot('Succeeded'));
    const rows = screen(deps.out());
    t.same(rows, [
      'deployment d-0123456789: Succeeded (2/2 hosts done)',
      '  i-0123456789abcdef0  Succeeded   3/13 ▶BlockTraffic',
      '  i-0fedcba9876543210  Succeeded   3/13 ▶BlockTraffic',
    ]);
    t.ok(
      deps
        .out()
        .split('\n')
        .every((line) => [...line.replace(ERASE, '')].length < 80),
    );
  });

  t.test('a narrow terminal: rows are cut to its width, so none wraps', async (t) => {
    const deps = { ...testDeps({ isTTY: true }), columns: 30 };
    const renderer = createProgressRenderer(deps, 'https://console');
    renderer.update(snapshot('InProgress'));
    await renderer.finish(snapshot('InProgress'));
    const rows = screen(deps.out());
    t.equal(rows.length, 3);
    t.ok(
      rows.every((row) => [...row].length < 30),
      rows.join('\n'),
    );
    t.match(rows[1], /^ {2}i-0123456789abcdef0 {2}InPr.*…$/);
  });

  t.test('a terminal that reports 0 columns has an unknown width: rows get the default, not "…"', async (t) => {
    // `script`, some CI pseudo-terminals and `docker run -t` before a resize report 0 columns.
    const unknown = { ...testDeps({ isTTY: true }), columns: 0 };
    const wide = { ...testDeps({ isTTY: true }), columns: DEFAULT_COLUMNS };
    for (const deps of [unknown, wide]) {
      const renderer = createProgressRenderer(deps, 'https://console');
      renderer.update(snapshot('InProgress'));
      await renderer.finish(snapshot('InProgress'));
    }
    t.same(screen(unknown.out()), screen(wide.out()));
    t.match(screen(unknown.out())[1], /^ {2}i-0123456789abcdef0 {2}InProgress +3\/13 ▶BlockTraffic$/);
    for (const columns of [undefined, 0, -1, Number.NaN])
      t.equal(terminalColumns(columns), DEFAULT_COLUMNS, `${columns}`);
    t.equal(terminalColumns(120), 120);
  });

  t.test('not a terminal: plain lines, no cursor movement', async (t) => {
    const deps = testDeps({ isTTY: false });
    const renderer = createProgressRenderer(deps, 'https://console');
    renderer.update(snapshot('InProgress'));
    await renderer.finish(snapshot('Succeeded'));
    t.notMatch(deps.out(), ESC);
    t.match(deps.out(), '[+0s] deployment d-0123456789: InProgress (0/2 hosts done)\n');
    t.match(deps.out(), '[+0s] i-0123456789abcdef0 BlockTraffic InProgress\n');
  });
});

t.test('parse-values.ts', async (t) => {
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
});
