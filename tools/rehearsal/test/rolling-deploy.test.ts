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
  t.same([r.ok, r.status], [true, 'Succeeded']);
  t.same(hosts, ['h1', 'h2']);
  t.ok(calls.indexOf('h1 healthy') < calls.indexOf('h2 drain'), 'the next host waits until the last is healthy again');
});

t.test('a failure stops the rollout; the rollback restores every host it touched, the failed one first', async (t) => {
  const calls: string[] = [];
  const back: string[] = [];
  let rollbackHosts: string[] = [];
  const agents = [fakeAgent('h1', calls, [ok, ok]), fakeAgent('h2', calls, [failed, ok]), fakeAgent('h3', calls, [ok])];
  const phases: string[] = [];
  const r = await rollOut({
    lb: fakeLb(calls),
    agents,
    zip,
    previousZip: zip,
    timing,
    onHost: () => {},
    onRollbackStart: (hosts) => (rollbackHosts = hosts.map((a) => a.host.name)),
    onRollbackHost: (h) => back.push(h.host),
    hostOptions: (agent, phase) => {
      phases.push(`${agent.host.name} ${phase}`);
      return {};
    },
  });
  t.same(phases, ['h1 deploy', 'h2 deploy', 'h2 rollback', 'h1 rollback'], "each host's options, by phase");
  t.same([r.ok, r.status, r.hosts.length, r.rollback?.ok], [false, 'Failed', 2, true]);
  t.same(rollbackHosts, ['h2', 'h1']);
  t.same(back, ['h2', 'h1'], 'h2 is already out of service: taking h1 out first would leave h3 alone');
  t.notOk(calls.includes('h3 drain'), 'h3 is never touched');
  t.same(
    calls.slice(calls.indexOf('h2 deploy') + 1),
    [
      'h2 drain',
      'h2 drained',
      'h2 maint',
      'h2 deploy',
      'h2 ready',
      'h2 healthy',
      'h1 drain',
      'h1 drained',
      'h1 maint',
      'h1 deploy',
      'h1 ready',
      'h1 healthy',
    ],
    'each through traffic control',
  );
});

t.test('OneAtATime: a failure on the last host leaves the deployment Succeeded, with no rollback', async (t) => {
  const r = await rollOut({
    lb: fakeLb([]),
    agents: [fakeAgent('h1', [], [ok]), fakeAgent('h2', [], [failed])],
    zip,
    previousZip: zip,
    timing,
    onHost: () => {},
  });
  t.same([r.ok, r.status, r.rollback], [false, 'Succeeded', undefined]);
});

t.test('a rollback that fails keeps the host out; no previous revision or no host left, no rollback', async (t) => {
  const calls: string[] = [];
  const r = await rollOut({
    lb: fakeLb(calls),
    agents: [fakeAgent('h1', calls, [failed, failed])],
    zip,
    previousZip: zip,
    timing,
    onHost: () => {},
  });
  t.same([r.ok, r.status, r.rollback?.ok, r.rollback?.hosts.length], [false, 'Failed', false, 1]);
  t.notOk(calls.includes('h1 ready'));
  const none = await rollOut({
    lb: fakeLb([]),
    agents: [fakeAgent('h1', [], [failed])],
    zip,
    timing,
    onHost: () => {},
  });
  t.same([none.ok, none.rollback], [false, undefined]);
  const gone = await rollOut({
    lb: fakeLb([]),
    agents: [fakeAgent('h1', [], [failed]), fakeAgent('h2', [], [ok])],
    zip,
    previousZip: zip,
    timing,
    exists: () => false,
    onHost: () => {},
  });
  t.same([gone.status, gone.rollback], ['Failed', undefined], 'a terminated host is not rolled back');
});
