import t from 'tap';
import type { Deployment } from '../../rehearse/code-deploy-agent.js';
import { rollOut } from '../../rehearse/rolling-deploy.js';
import { trafficTiming } from '../../rehearse/traffic-control.js';
import { fakeAgent, fakeLb } from './fakes.js';

const ok: Deployment = { ok: true, steps: {}, output: '' };
const failed: Deployment = { ok: false, failed: 'ValidateService', steps: {}, output: '' };
const timing = trafficTiming(10);
const zip = new Uint8Array([1]);

t.test('one host at a time', async (t) => {
  const calls: string[] = [];
  const hosts: string[] = [];
  const r = await rollOut({ lb: fakeLb(calls), agents: [fakeAgent('h1', calls, [ok]), fakeAgent('h2', calls, [ok])], zip, timing, onHost: (h) => hosts.push(h.host) });
  t.equal(r.ok, true);
  t.same(hosts, ['h1', 'h2']);
  t.ok(calls.indexOf('h1 healthy') < calls.indexOf('h2 drain'), 'the next host waits until the last is healthy again');
});

t.test('the first failure stops the rollout and restores that host', async (t) => {
  const calls: string[] = [];
  const r = await rollOut({ lb: fakeLb(calls), agents: [fakeAgent('h1', calls, [failed, ok]), fakeAgent('h2', calls, [ok])], zip, previousZip: zip, timing, onHost: () => {} });
  t.same([r.ok, r.hosts.length, r.restore?.host, r.restore?.ok], [false, 1, 'h1', true]);
  t.same(calls, ['h1 drain', 'h1 drained', 'h1 maint', 'h1 deploy', 'h1 deploy', 'h1 ready', 'h1 healthy']);
  t.notOk(calls.includes('h2 drain'), 'h2 is never touched');
});

t.test('a restore that fails keeps the host out; no previous revision, no restore', async (t) => {
  const calls: string[] = [];
  const r = await rollOut({ lb: fakeLb(calls), agents: [fakeAgent('h1', calls, [failed, failed])], zip, previousZip: zip, timing, onHost: () => {} });
  t.same([r.ok, r.restore?.ok], [false, false]);
  t.notOk(calls.includes('h1 ready'));
  const none = await rollOut({ lb: fakeLb([]), agents: [fakeAgent('h1', [], [failed])], zip, timing, onHost: () => {} });
  t.same([none.ok, none.restore], [false, undefined]);
});
