import t from 'tap';
import { eventDuration, eventMark, hostLine, idWidth } from '../src/format-host.js';

t.test('marks, durations and alignment', (t) => {
  t.same(['Succeeded', 'Failed', 'InProgress', 'Pending', 'Skipped', 'Unknown'].map(eventMark), ['✓', '✗', '▶', '·', '-', '?']);
  t.equal(eventDuration({ name: 'x', status: 'Succeeded', startTime: new Date(0), endTime: new Date(2500) }), '2.5s');
  t.equal(eventDuration({ name: 'x', status: 'InProgress', startTime: new Date(0) }), '');
  t.equal(idWidth([]), 4);
  t.equal(hostLine({ id: 'i-1', status: 'Pending', events: [] }, 6), 'i-1     Pending');
  t.end();
});
