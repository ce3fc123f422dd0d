import t from 'tap';
import type { Deployment } from '../src/code-deploy-agent.ts';
import { rollOut } from '../src/rolling-deploy.ts';
import { trafficTiming } from '../src/traffic-control.ts';
import { fakeAgent, fakeLb } from './fakes.ts';

const ok: Deployment = { ok: true, steps: {}, output: '' };
const failed: Deployment = { ok: false, failed: 'ValidateService', steps: {}, output: '' };
const timing = trafficTiming(10);
const zip = new Uint8Array([1]);

t.test('one host at a time', async (t) => {
  const calls: string[] = [];
  const hosts: string[] = [];
  const r = await rollOut({
    lb: fakeLb(calls),
    agents: [fakeAgent('h1', calls, [ok]), fakeAgent('h2', calls, [ok])],
    zip,
    timing,
    onHost: (h) => hosts.push(h.host),
  });
  t.equal(r.ok, true);
  t.same(hosts, ['h1', 'h2']);
  t.ok(calls.indexOf('h1 healthy') < calls.indexOf('h2 drain'), 'the next host waits until the last is healthy again');
});

t.test('the first failure stops the rollout; the rollback restores every host it touched', async (t) => {
  const calls: string[] = [];
  const back: string[] = [];
  const agents = [fakeAgent('h1', calls, [ok, ok]), fakeAgent('h2', calls, [failed, ok]), fakeAgent('h3', calls, [ok])];
  const r = await rollOut({
    lb: fakeLb(calls),
    agents,
    zip,
    previousZip: zip,
    timing,
    onHost: () => {},
    onRollbackHost: (h) => back.push(h.host),
  });
  t.same([r.ok, r.hosts.length, r.rollback?.ok], [false, 2, true]);
  t.same(back, ['h1', 'h2'], 'h1 got the bad revision and succeeded: it goes back too');
  t.notOk(calls.includes('h3 drain'), 'h3 is never touched');
  t.same(
    calls.slice(calls.indexOf('h2 deploy') + 1),
    [
      'h1 drain',
      'h1 drained',
      'h1 maint',
      'h1 deploy',
      'h1 ready',
      'h1 healthy',
      'h2 drain',
      'h2 drained',
      'h2 maint',
      'h2 deploy',
      'h2 ready',
      'h2 healthy',
    ],
    'each through traffic control',
  );
});

t.test('a rollback that fails keeps the host out and stops; no previous revision, no rollback', async (t) => {
  const calls: string[] = [];
  const r = await rollOut({
    lb: fakeLb(calls),
    agents: [fakeAgent('h1', calls, [failed, failed])],
    zip,
    previousZip: zip,
    timing,
    onHost: () => {},
  });
  t.same([r.ok, r.rollback?.ok, r.rollback?.hosts.length], [false, false, 1]);
  t.notOk(calls.includes('h1 ready'));
  const none = await rollOut({
    lb: fakeLb([]),
    agents: [fakeAgent('h1', [], [failed])],
    zip,
    timing,
    onHost: () => {},
  });
  t.same([none.ok, none.rollback], [false, undefined]);
});
