import t from 'tap';
import { compactHostLine, eventDuration, eventMark, fitLine, idWidth } from '../src/format-host.ts';

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
