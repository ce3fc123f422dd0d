// Text of one host's lifecycle events, shared by the terminal, CI and step-summary renderers.
import type { HostEvent, HostState } from './read-deployment.js';

const MARKS: Readonly<Record<string, string>> = {
  Succeeded: '✓',
  Failed: '✗',
  InProgress: '▶',
  Pending: '·',
  Skipped: '-',
};

export function eventMark(status: string): string {
  return MARKS[status] ?? '?';
}

export function eventDuration(event: HostEvent): string {
  if (event.startTime === undefined || event.endTime === undefined) return '';
  return `${((event.endTime.getTime() - event.startTime.getTime()) / 1000).toFixed(1)}s`;
}

/** `i-0abc  InProgress  ✓ApplicationStop ✓DownloadBundle ▶BeforeInstall ·AfterInstall`. */
export function hostLine(host: HostState, idWidth: number): string {
  const events = host.events.map((e) => `${eventMark(e.status)}${e.name}`).join(' ');
  return `${host.id.padEnd(idWidth)}  ${host.status.padEnd(10)}  ${events}`.trimEnd();
}

export function idWidth(hosts: readonly HostState[]): number {
  return Math.max(4, ...hosts.map((h) => h.id.length));
}
