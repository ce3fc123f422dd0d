import t from 'tap';
import { MAX_SHUTDOWN_GRACE_MS, SYSTEMD_STOP_TIMEOUT_SECONDS } from '@hello/config/constants';
import {
  HOOK_NAMES,
  HOOK_SCRIPTS,
  HOOK_TIMEOUT_SECONDS,
  VALIDATE_TIMEOUT_SECONDS,
} from '../../scripts/hook-timeouts.ts';

t.test('every hook outlives the bound it waits on', async (t) => {
  t.ok(MAX_SHUTDOWN_GRACE_MS / 1000 < SYSTEMD_STOP_TIMEOUT_SECONDS, 'the service exits before systemd kills it');
  t.ok(
    HOOK_TIMEOUT_SECONDS.ApplicationStop > SYSTEMD_STOP_TIMEOUT_SECONDS,
    'systemctl stop finishes inside ApplicationStop',
  );
  t.ok(HOOK_TIMEOUT_SECONDS.ApplicationStart > SYSTEMD_STOP_TIMEOUT_SECONDS, 'restart may stop a process first');
  t.ok(
    HOOK_TIMEOUT_SECONDS.ValidateService >= VALIDATE_TIMEOUT_SECONDS + 20,
    'the probe gives up well before the agent kills it',
  );
  t.ok(VALIDATE_TIMEOUT_SECONDS >= 10, 'a cold start (~250 ms) and a slow host fit comfortably');
  for (const hook of HOOK_NAMES) {
    t.ok(HOOK_TIMEOUT_SECONDS[hook] <= 3600, `${hook} is within CodeDeploy's 3600 s per hook`);
    t.match(HOOK_SCRIPTS[hook], /^[a-z-]+\.sh$/);
  }
});
