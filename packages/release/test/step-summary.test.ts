import t from 'tap';
import { stepSummary } from '../src/step-summary.ts';

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
