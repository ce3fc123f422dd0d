// How long each CodeDeploy lifecycle hook may run, derived from the service's own bounds so that
// the agent never kills a hook that is still inside a bound the service promises.
import { SYSTEMD_STOP_TIMEOUT_SECONDS } from '@hello/config/constants';

/** ValidateService gives up after this long and prints the service's last log lines. */
export const VALIDATE_TIMEOUT_SECONDS = 60;

/** Slack for everything a hook does besides waiting (forks, openssl, rendering files). */
const SLACK_SECONDS = 30;

export const HOOK_NAMES = [
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Seconds per hook in appspec.yml. */
export const HOOK_TIMEOUT_SECONDS: Readonly<Record<HookName, number>> = {
  // `systemctl stop` waits up to TimeoutStopSec before it kills the process.
  ApplicationStop: SYSTEMD_STOP_TIMEOUT_SECONDS + SLACK_SECONDS,
  BeforeInstall: SLACK_SECONDS * 2,
  // Verifies checksums, may create a certificate and renders files: no long waits.
  AfterInstall: SLACK_SECONDS * 4,
  // `systemctl restart` may first stop a process that ApplicationStop did not know about.
  ApplicationStart: SYSTEMD_STOP_TIMEOUT_SECONDS + SLACK_SECONDS,
  ValidateService: VALIDATE_TIMEOUT_SECONDS + SLACK_SECONDS,
};

/** Hook script file name (in hooks/) of each lifecycle event. */
export const HOOK_SCRIPTS: Readonly<Record<HookName, string>> = {
  ApplicationStop: 'application-stop.sh',
  BeforeInstall: 'before-install.sh',
  AfterInstall: 'after-install.sh',
  ApplicationStart: 'application-start.sh',
  ValidateService: 'validate-service.sh',
};
