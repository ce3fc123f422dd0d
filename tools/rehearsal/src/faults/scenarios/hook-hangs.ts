// A hook that hangs past its timeout: the agent ends it (SIGTERM to its process group) and fails
// the event. The revision's appspec gives that hook a short timeout, so the run stays short.
import { hangingHook } from '../faulty-revisions.ts';
import { currentOf } from '../row-checks.ts';
import { deployFailingAt } from './deploy-failing-at.ts';
import { check, type Scenario } from '../scenario.ts';

const TIMEOUT_SECONDS = 3;

export const hookHangs: Scenario = {
  id: 'hook-hangs',
  fault: 'a hook (AfterInstall) that hangs past its timeout',
  goal: 'no failed request; the agent ends the hook at its timeout, current untouched; the rollback restores the host; the CLI names the host, AfterInstall and ScriptTimedOut',
  async run({ stage, release }) {
    const target = stage.active[0]!;
    const lastGood = stage.lastGoodVersion;
    const before = currentOf(target);
    const zip = hangingHook(release.zip, 'rehearsal-hook-hangs', 'AfterInstall', TIMEOUT_SECONDS);
    const { d, faultAt, atFailure } = await deployFailingAt(stage, target, zip, 'AfterInstall');
    const failed = d.rollout.hosts[0];
    return {
      faultAt,
      version: lastGood,
      watch: { deploymentId: d.deploymentId, expect: 'Failed', names: [target.name, 'AfterInstall', 'ScriptTimedOut'] },
      maxFailed: 0,
      checks: [
        check(
          `${target.name} failed in AfterInstall after ${TIMEOUT_SECONDS} s`,
          failed?.deployment.diagnostics?.message ===
            `Script at specified location: hooks/after-install.sh failed to complete in ${TIMEOUT_SECONDS} seconds`,
          failed?.deployment.diagnostics?.message,
        ),
        check('current was untouched when the hook was ended', atFailure === before, `${before} -> ${atFailure}`),
        check('the rollback restored the host', d.rollout.rollback?.ok === true),
      ],
    };
  },
};
