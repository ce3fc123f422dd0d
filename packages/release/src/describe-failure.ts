// The lines that explain a failed or stopped deployment: host, event, error code, the hook's log tail.
import type { DeploymentSnapshot, HostEvent, HostState } from './read-deployment.js';

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

/** `deployment d-1 Failed: HEALTH_CONSTRAINTS: ...`, the first line of a failure. */
export function failureHeadline(snapshot: DeploymentSnapshot): string {
  return `deployment ${snapshot.id} ${snapshot.status}: ${snapshot.error?.code ?? 'no error code'}: ${snapshot.error?.message ?? 'no message'}`;
}

export function describeFailure(snapshot: DeploymentSnapshot, consoleUrl: string): string[] {
  const lines = [failureHeadline(snapshot)];
  const failures = hostFailures(snapshot);
  for (const f of failures) {
    // A stopped host's event reports an empty script name: no `()` then.
    const script = f.script === undefined || f.script === '' ? '' : ` (${f.script})`;
    lines.push(`host ${f.host} failed at ${f.event}: ${f.errorCode}${script}: ${f.message}`);
    if (f.logTail !== undefined && f.logTail.trim() !== '') {
      lines.push(`  log tail of ${f.event} on ${f.host}:`, ...f.logTail.trimEnd().split('\n').map((l) => `    ${l}`));
    }
  }
  if (failures.length === 0) lines.push('no host reported a failed lifecycle event (stopped, rolled back or failed before the hooks ran)');
  lines.push(`console: ${consoleUrl}`);
  return lines;
}
