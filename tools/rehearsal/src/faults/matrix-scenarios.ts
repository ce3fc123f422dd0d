// The fault matrix, in the order it runs. Each scenario starts from a whole stage and leaves one;
// the control runs last, since the revision it deploys stays.
import { agentGone } from './scenarios/agent-gone.ts';
import { crashOnSecondHost } from './scenarios/crash-on-second-host.ts';
import { diskFullAtInstall } from './scenarios/disk-full-at-install.ts';
import { drainSkipped } from './scenarios/drain-skipped.ts';
import { goodRevision } from './scenarios/good-revision.ts';
import { hookHangs } from './scenarios/hook-hangs.ts';
import { hostReboot } from './scenarios/host-reboot.ts';
import { hostTerminated } from './scenarios/host-terminated.ts';
import { serviceKilled } from './scenarios/service-killed.ts';
import { settingMissing } from './scenarios/setting-missing.ts';
import { tamperedObject } from './scenarios/tampered-object.ts';
import type { Scenario } from './scenario.ts';

export const MATRIX_SCENARIOS: readonly Scenario[] = [
  goodRevision,
  crashOnSecondHost,
  diskFullAtInstall,
  hookHangs,
  tamperedObject,
  hostTerminated,
  agentGone,
  serviceKilled,
  hostReboot,
  settingMissing,
  drainSkipped,
];
