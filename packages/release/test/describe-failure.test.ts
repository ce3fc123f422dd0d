import t from 'tap';
import { describeFailure, hostFailures, unsuccessfulHosts } from '../src/describe-failure.ts';

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
