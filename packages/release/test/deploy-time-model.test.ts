// The deploy-time model: draining, hooks and health checks per host, rounds from the deployment config.
import t from 'tap';
import { HEALTH_CHECK } from '@hello/config/constants';
import { project } from '@hello/config/project';
import {
  REHEARSED_HOOK_SECONDS,
  expectedDeployTime,
  formatSeconds,
  modelDeployTime,
  type DeployTimeInputs,
} from '../src/deploy-time-model.ts';

const inputs: DeployTimeInputs = {
  deregistrationDelaySeconds: 30,
  healthCheck: { intervalSeconds: 10, healthyThreshold: 2 },
  hookSeconds: 2.5,
  deploymentConfig: 'CodeDeployDefault.OneAtATime',
  hosts: 2,
};

t.test('a host costs its draining, its hooks and the health checks that put it back', async (t) => {
  const m = modelDeployTime(inputs);
  t.same([m.drainingSeconds, m.hookSeconds, m.healthCheckSeconds, m.perHostSeconds], [30, 2.5, 20, 52.5]);
  // Shorter draining is the biggest lever: it is most of a host's time.
  t.equal(modelDeployTime({ ...inputs, deregistrationDelaySeconds: 10 }).perHostSeconds, 32.5);
});

t.test('rounds follow the deployment config', async (t) => {
  const rounds = (deploymentConfig: DeployTimeInputs['deploymentConfig'], hosts: number) => {
    const m = modelDeployTime({ ...inputs, deploymentConfig, hosts });
    return [m.hostsPerRound, m.rounds, m.totalSeconds];
  };
  t.same(rounds('CodeDeployDefault.OneAtATime', 2), [1, 2, 105]);
  t.same(rounds('CodeDeployDefault.OneAtATime', 3), [1, 3, 157.5]);
  t.same(rounds('CodeDeployDefault.AllAtOnce', 6), [6, 1, 52.5]);
  // Up to half of the hosts, rounded down, at least one.
  t.same(rounds('CodeDeployDefault.HalfAtATime', 5), [2, 3, 157.5]);
  t.same(rounds('CodeDeployDefault.HalfAtATime', 1), [1, 1, 52.5]);
  t.same(rounds('CodeDeployDefault.AllAtOnce', 0), [1, 1, 52.5], 'an empty group still counts one round');
});

t.test('durations read as a person says them', async (t) => {
  t.equal(formatSeconds(52.5), '52.5 s');
  t.equal(formatSeconds(105), '1 min 45 s');
  t.equal(formatSeconds(120), '2 min');
  t.equal(formatSeconds(59.96), '1 min');
});

t.test('release deploy prints the model of the stage at its minimum size', async (t) => {
  for (const stage of ['staging', 'prod'] as const) {
    const settings = project.stages[stage];
    const m = modelDeployTime({
      deregistrationDelaySeconds: settings.deregistrationDelaySeconds,
      healthCheck: HEALTH_CHECK,
      hookSeconds: REHEARSED_HOOK_SECONDS,
      deploymentConfig: settings.deploymentConfig,
      hosts: settings.capacity.min,
    });
    const line = expectedDeployTime(stage);
    t.match(line, `expected: ${formatSeconds(m.perHostSeconds)} per host (`, stage);
    t.match(line, `${settings.capacity.min} host(s) `, stage);
    t.match(line, `: ${formatSeconds(m.totalSeconds)} (${settings.deploymentConfig}; `, stage);
  }
  // The fixture's staging deploys all at once, prod one host at a time.
  t.match(expectedDeployTime('staging'), 'all at once');
  t.match(expectedDeployTime('staging'), 'more hosts take no longer');
  t.match(expectedDeployTime('prod'), '1 at a time, 2 rounds');
  t.match(expectedDeployTime('prod'), 'every 1 host(s) more add');
});
