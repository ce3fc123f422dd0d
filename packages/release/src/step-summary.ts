// The markdown table a GitHub job shows on its summary page for one deployment.
import type { DeploymentSnapshot } from './read-deployment.ts';
import { hostFailures } from './describe-failure.ts';

const ICONS: Readonly<Record<string, string>> = {
  Succeeded: '✅',
  Failed: '❌',
  InProgress: '⏳',
  Pending: '⏸️',
  Skipped: '⏭️',
};

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function stepSummary(snapshot: DeploymentSnapshot, consoleUrl: string): string {
  const failures = new Map(hostFailures(snapshot).map((f) => [f.host, f]));
  const rows = snapshot.hosts.map((h) => {
    const events = h.events.map((e) => `${ICONS[e.status] ?? '❔'} ${e.name}`).join('<br>');
    const f = failures.get(h.id);
    const error = f === undefined ? '' : `${f.event}: ${f.errorCode} ${f.message}`;
    return `| \`${h.id}\` | ${ICONS[h.status] ?? '❔'} ${h.status} | ${events} | ${cell(error)} |`;
  });
  const where = snapshot.application === undefined ? '' : ` (${snapshot.application} / ${snapshot.group ?? ''})`;
  return [
    `### CodeDeploy [${snapshot.id}](${consoleUrl})${where}: ${snapshot.status}`,
    '',
    '| Host | Status | Lifecycle events | Error |',
    '| --- | --- | --- | --- |',
    ...(rows.length > 0 ? rows : ['| – | – | no hosts reported | |']),
    '',
    '',
  ].join('\n');
}
