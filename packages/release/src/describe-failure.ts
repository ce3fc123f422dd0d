// The lines that explain a failed or stopped deployment: host, event, error code, the hook's log tail.
import type { DeploymentSnapshot, HostEvent, HostState } from './read-deployment.ts';

export interface HostFailure {
  readonly host: string;
  readonly event: string;
  readonly errorCode: string;
  readonly script: string | undefined;
  readonly message: string;
  readonly logTail: string | undefined;
}

function failedEvent(host: HostState): HostEvent | undefined {
  return host.events.find((e) => e.status === 'Failed');
}

export function hostFailures(snapshot: DeploymentSnapshot): HostFailure[] {
  const failures: HostFailure[] = [];
  for (const host of snapshot.hosts) {
    const event = failedEvent(host);
    if (event === undefined) continue;
    const d = event.diagnostics;
    failures.push({
      host: host.id,
      event: event.name,
      errorCode: d?.errorCode ?? 'UnknownError',
      script: d?.scriptName,
      message: d?.message ?? 'no message',
      logTail: d?.logTail,
    });
  }
  return failures;
}

/**
 * Hosts that did not end Succeeded (Failed, Skipped, Unknown, still Pending...). CodeDeploy's
 * overall status is not enough: with CodeDeployDefault.AllAtOnce (minimum healthy hosts 0) a
 * deployment is Succeeded once one host succeeds, so a host that failed ValidateService would
 * otherwise ship the release to the next stage.
 */
export function unsuccessfulHosts(snapshot: DeploymentSnapshot): HostState[] {
  return snapshot.hosts.filter((h) => h.status !== 'Succeeded');
}

/**
 * Why a host ends a deployment without a failed event: its agent stopped reporting (CodeDeploy
 * User Guide, "Troubleshoot Amazon EC2 Auto Scaling issues": a reboot or an agent shut down while
 * processing a command fails the deployment; CodeDeploy waits an hour for an agent).
 */
export const NO_ANSWER =
  'CodeDeploy heard nothing more from it: the instance was terminated or rebooted, or its CodeDeploy agent stopped (CodeDeploy waits up to an hour for an agent)';

/** `deployment d-1 Failed: HEALTH_CONSTRAINTS: ...`, the first line of a failure. */
export function failureHeadline(snapshot: DeploymentSnapshot): string {
  return `deployment ${snapshot.id} ${snapshot.status}: ${snapshot.error?.code ?? 'no error code'}: ${snapshot.error?.message ?? 'no message'}`;
}

/** The lines that explain a failure, or a deployment CodeDeploy called Succeeded that one host did not. */
export function describeFailure(snapshot: DeploymentSnapshot, consoleUrl: string): string[] {
  const failing = unsuccessfulHosts(snapshot);
  const lines =
    snapshot.status === 'Succeeded'
      ? [
          `deployment ${snapshot.id} failed on ${failing.length} of ${snapshot.hosts.length} host(s), although CodeDeploy reports it Succeeded (its deployment configuration let the other hosts carry it): every host must succeed`,
        ]
      : [failureHeadline(snapshot)];
  const failures = hostFailures(snapshot);
  for (const f of failures) {
    // A stopped host's event reports an empty script name: no `()` then.
    const script = f.script === undefined || f.script === '' ? '' : ` (${f.script})`;
    lines.push(`host ${f.host} failed at ${f.event}: ${f.errorCode}${script}: ${f.message}`);
    if (f.logTail !== undefined && f.logTail.trim() !== '') {
      lines.push(
        `  log tail of ${f.event} on ${f.host}:`,
        ...f.logTail
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      );
    }
  }
  for (const h of failing) {
    if (failures.some((f) => f.host === h.id)) continue;
    const stuck = h.events.find((e) => e.status !== 'Succeeded');
    // A skipped host was never reached; any other one stopped answering in the middle.
    const cause = h.status === 'Skipped' ? '' : `: ${NO_ANSWER}`;
    lines.push(
      `host ${h.id} ended ${h.status}${stuck === undefined ? '' : ` at ${stuck.name} (${stuck.status})`} without a failed lifecycle event${cause}`,
    );
  }
  if (failures.length === 0 && failing.length === 0)
    lines.push('no host reported a failed lifecycle event (stopped, rolled back or failed before the hooks ran)');
  lines.push(`console: ${consoleUrl}`);
  return lines;
}
