// Text of one host's lifecycle events, shared by the terminal, CI and step-summary renderers.
import type { HostEvent, HostState } from './read-deployment.ts';

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

/** The event a person wants to see: the failed one, else the running one, else the next, else the last. */
function currentEvent(host: HostState): HostEvent | undefined {
  const by = (status: string): HostEvent | undefined => host.events.find((e) => e.status === status);
  return by('Failed') ?? by('InProgress') ?? by('Pending') ?? host.events.at(-1);
}

/**
 * One compact line per host for a terminal, `i-0abc  InProgress  2/9 ▶BeforeInstall`: a host id
 * (19 characters), a status and the longest event name (18) stay well inside 80 columns, where
 * every event in a row (13 of them) took ~250.
 */
export function compactHostLine(host: HostState, idWidth: number): string {
  const done = host.events.filter((e) => e.status === 'Succeeded' || e.status === 'Skipped').length;
  const current = currentEvent(host);
  const event =
    current === undefined ? '' : `${done}/${host.events.length} ${eventMark(current.status)}${current.name}`;
  return `${host.id.padEnd(idWidth)}  ${host.status.padEnd(10)}  ${event}`.trimEnd();
}

/** Cuts a line to the terminal's width, so one line is one row and redrawing counts rows right. */
export function fitLine(line: string, columns: number): string {
  const chars = [...line];
  return chars.length < columns ? line : `${chars.slice(0, Math.max(1, columns - 2)).join('')}…`;
}

export function idWidth(hosts: readonly HostState[]): number {
  return Math.max(4, ...hosts.map((h) => h.id.length));
}
