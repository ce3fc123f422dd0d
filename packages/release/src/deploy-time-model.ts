// How long CodeDeploy takes to roll a release over a stage, from the numbers the template and the
// settings define and the hook durations the rehearsal measures (docs/architecture.md, "How long a
// deployment takes"). A model, not a measurement: what it leaves out is listed there.
import { HEALTH_CHECK } from '@hello/config/constants';
import type { DeploymentConfigName, StageName } from '@hello/config/define-project';
import { project } from '@hello/config/project';

/**
 * Seconds all lifecycle hooks of one host take, ApplicationStop to ValidateService: the slowest
 * host of `pnpm rehearse` (docs/architecture.md gives the runs; update both together).
 */
export const REHEARSED_HOOK_SECONDS = 2.5;

export interface DeployTimeInputs {
  /** The target group drains a host this long before CodeDeploy stops it (BlockTraffic). */
  readonly deregistrationDelaySeconds: number;
  /** A host back in the target group serves once this many checks, this far apart, pass (AllowTraffic). */
  readonly healthCheck: { readonly intervalSeconds: number; readonly healthyThreshold: number };
  readonly hookSeconds: number;
  readonly deploymentConfig: DeploymentConfigName;
  readonly hosts: number;
}

export interface DeployTime {
  readonly drainingSeconds: number;
  readonly hookSeconds: number;
  readonly healthCheckSeconds: number;
  readonly perHostSeconds: number;
  /** Hosts that go through it together: every host, half of them, or one. */
  readonly hostsPerRound: number;
  readonly rounds: number;
  readonly totalSeconds: number;
}

/** Each round drains, installs and health-checks its hosts in parallel; rounds follow each other. */
export function modelDeployTime(inputs: DeployTimeInputs): DeployTime {
  const drainingSeconds = inputs.deregistrationDelaySeconds;
  const healthCheckSeconds = inputs.healthCheck.healthyThreshold * inputs.healthCheck.intervalSeconds;
  const perHostSeconds = drainingSeconds + inputs.hookSeconds + healthCheckSeconds;
  const hosts = Math.max(1, inputs.hosts);
  // CodeDeploy's predefined configs: all hosts, at most half of them (rounded down, at least one), one.
  const hostsPerRound = {
    'CodeDeployDefault.AllAtOnce': hosts,
    'CodeDeployDefault.HalfAtATime': Math.max(1, Math.floor(hosts / 2)),
    'CodeDeployDefault.OneAtATime': 1,
  }[inputs.deploymentConfig];
  const rounds = Math.ceil(hosts / hostsPerRound);
  return {
    drainingSeconds,
    hookSeconds: inputs.hookSeconds,
    healthCheckSeconds,
    perHostSeconds,
    hostsPerRound,
    rounds,
    totalSeconds: rounds * perHostSeconds,
  };
}

/** `1 min 45 s`, `52.5 s`. */
export function formatSeconds(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  if (rounded < 60) return `${rounded} s`;
  const minutes = Math.floor(rounded / 60);
  const rest = Math.round(rounded - minutes * 60);
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** The model for a stage at its minimum size, from the settings, as `release deploy` prints it. */
export function expectedDeployTime(stage: StageName): string {
  const settings = project.stages[stage];
  const hosts = settings.capacity.min;
  const m = modelDeployTime({
    deregistrationDelaySeconds: settings.deregistrationDelaySeconds,
    healthCheck: HEALTH_CHECK,
    hookSeconds: REHEARSED_HOOK_SECONDS,
    deploymentConfig: settings.deploymentConfig,
    hosts,
  });
  const how = m.rounds === 1 ? 'all at once' : `${m.hostsPerRound} at a time, ${m.rounds} rounds`;
  const more =
    m.hostsPerRound === hosts
      ? 'more hosts take no longer'
      : `every ${m.hostsPerRound} host(s) more add ${formatSeconds(m.perHostSeconds)}`;
  return (
    `expected: ${formatSeconds(m.perHostSeconds)} per host (${formatSeconds(m.drainingSeconds)} draining, ` +
    `${formatSeconds(m.hookSeconds)} hooks, ${formatSeconds(m.healthCheckSeconds)} health checks); ` +
    `${hosts} host(s) ${how}: ${formatSeconds(m.totalSeconds)} (${settings.deploymentConfig}; ${more})`
  );
}
