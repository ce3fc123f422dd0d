import t from 'tap';
import { createProgressRenderer, DEFAULT_COLUMNS, terminalColumns } from '../src/render-progress.ts';
import { testDeps } from './release-test-deps.ts';

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
