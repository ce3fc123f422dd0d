import t from 'tap';
import { DEFAULT_DEREGISTRATION_DELAY_SECONDS, HEALTH_CHECK } from '@hello/config/constants';
import type { Deployment } from '../src/code-deploy-agent.ts';
import { deployHost, trafficTiming } from '../src/traffic-control.ts';
import { fakeAgent, fakeLb } from './fakes.ts';

const ok: Deployment = { ok: true, steps: { ApplicationStop: 1, ValidateService: 2 }, output: '' };
const failed: Deployment = { ok: false, failed: 'ValidateService', steps: { ValidateService: 3 }, output: 'boom' };

t.test('timing is the target group divided by the scale', async (t) => {
  const timing = trafficTiming(10);
  t.equal(timing.drainMs, DEFAULT_DEREGISTRATION_DELAY_SECONDS * 100);
  t.equal(
    timing.healthyMs,
    (HEALTH_CHECK.healthyThreshold + 2) * HEALTH_CHECK.intervalSeconds * 100 + HEALTH_CHECK.timeoutSeconds * 100,
  );
});

t.test('drain, wait, take out, deploy, put back, wait for healthy', async (t) => {
  const calls: string[] = [];
  const r = await deployHost(fakeLb(calls, 3), fakeAgent('h1', calls, [ok]), new Uint8Array(), trafficTiming(10));
  t.same(calls, ['h1 drain', 'h1 drained', 'h1 maint', 'h1 deploy', 'h1 ready', 'h1 healthy']);
  t.equal(r.ok, true);
  t.same(Object.keys(r.steps), ['BlockTraffic', 'ApplicationStop', 'ValidateService', 'AllowTraffic']);
});

t.test('a failed deployment leaves the host out of the balancer', async (t) => {
  const calls: string[] = [];
  const r = await deployHost(fakeLb(calls), fakeAgent('h1', calls, [failed]), new Uint8Array(), trafficTiming(10));
  t.same(calls, ['h1 drain', 'h1 drained', 'h1 maint', 'h1 deploy']);
  t.same([r.ok, r.failed, r.steps.AllowTraffic], [false, 'ValidateService', undefined]);
});

t.test("every lifecycle event reported in CodeDeploy's order, the agent's in between", async (t) => {
  const events: string[] = [];
  const r = await deployHost(fakeLb([]), fakeAgent('h1', [], [ok]), new Uint8Array(), trafficTiming(10), {
    onEvent: (event, status) => void events.push(`${event} ${status}`),
  });
  t.equal(r.ok, true);
  t.same(
    events.filter((e) => e.endsWith('Succeeded')).map((e) => e.split(' ')[0]),
    [
      'BeforeBlockTraffic',
      'BlockTraffic',
      'AfterBlockTraffic',
      'ApplicationStop',
      'BeforeAllowTraffic',
      'AllowTraffic',
      'AfterAllowTraffic',
    ],
  );
});

t.test('a balancer that does not answer fails its traffic step (UnknownError)', async (t) => {
  const events: string[] = [];
  const onEvent = (event: string, status: string, d?: { errorCode: string; message: string }) =>
    void events.push(`${event} ${status}${d === undefined ? '' : ` ${d.errorCode} ${d.message}`}`);
  const calls: string[] = [];
  const block = await deployHost(
    fakeLb(calls, 0, 'drained'),
    fakeAgent('h1', calls, [ok]),
    new Uint8Array(),
    trafficTiming(10),
    { onEvent },
  );
  t.same([block.ok, block.failed], [false, 'BlockTraffic']);
  t.notOk(calls.includes('h1 deploy'), 'the hooks never run on a host still in service');
  t.match(events, [
    'BeforeBlockTraffic InProgress',
    'BeforeBlockTraffic Succeeded',
    'BlockTraffic InProgress',
    'BlockTraffic Failed UnknownError h1 not drained after 100 ms (status DRAIN)',
  ]);
  const allow = await deployHost(
    fakeLb([], 0, 'healthy'),
    fakeAgent('h1', [], [ok]),
    new Uint8Array(),
    trafficTiming(10),
  );
  t.same([allow.ok, allow.failed, allow.deployment.ok], [false, 'AllowTraffic', true]);
});

t.test('traffic control broken on purpose: the hooks run with the host still in the balancer', async (t) => {
  const calls: string[] = [];
  const r = await deployHost(fakeLb(calls), fakeAgent('h1', calls, [ok]), new Uint8Array(), trafficTiming(10), {
    skipBlockTraffic: true,
  });
  t.equal(r.ok, true);
  t.same(calls, ['h1 deploy', 'h1 ready', 'h1 healthy']);
});
