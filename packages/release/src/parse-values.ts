// Validation of stage names, release versions and durations from the command line.
import { STAGE_NAMES, type StageName } from '@hello/config/define-project';
import { RELEASE_VERSION_PATTERN } from '@hello/config/naming';
import { UsageError } from '@hello/cli-kit/cli-error';

export function parseStage(value: string, option = '--stage'): StageName {
  if ((STAGE_NAMES as readonly string[]).includes(value)) return value as StageName;
  throw new UsageError(
    `${option} ${JSON.stringify(value)} is not a configured stage; the stages are: ${STAGE_NAMES.join(', ')}`,
  );
}

export function parseVersion(value: string): string {
  if (RELEASE_VERSION_PATTERN.test(value)) return value;
  throw new UsageError(
    `--version ${JSON.stringify(value)} is not a release version; expected 1-64 letters, digits, '.', '_' or '-' (a git sha)`,
  );
}

/** `90s`, `30m`, `1h` or plain seconds, in milliseconds. */
export function parseDuration(value: string, option: string): number {
  const match = /^(\d+)([smh]?)$/.exec(value);
  const amount = Number(match?.[1]);
  if (match === null || amount <= 0) {
    throw new UsageError(`${option} ${JSON.stringify(value)} is not a duration; use e.g. 90s, 30m or 1h`);
  }
  const unit = match[2] === 'h' ? 3_600_000 : match[2] === 'm' ? 60_000 : 1000;
  return amount * unit;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  return `${Math.round(seconds / 60)}m`;
}
