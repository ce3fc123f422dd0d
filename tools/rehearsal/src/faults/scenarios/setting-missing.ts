// A setting or secret missing on one host only: a parameter the hosts must read is deleted in the
// middle of a rollout (or before a host launches), so the next host's AfterInstall cannot read it.
// The host tool names the variable and the parameter, never a value; the person puts it back and
// redeploys the release the stage runs (`pnpm release redeploy`).
import { withVersion } from '../../release-zip.ts';
import { currentOf } from '../row-checks.ts';
import { check, type Scenario } from '../scenario.ts';

export const settingMissing: Scenario = {
  id: 'setting-missing',
  fault: 'a setting or secret missing on one host only',
  goal: 'no failed request; the host whose AfterInstall cannot read the parameter stays out with current untouched; the CLI names the host, AfterInstall and the variable; a redeploy once it is back makes the stage whole',
  async run({ stage, release, ssm }) {
    const missing = ssm?.parameters.find((p) => p.required);
    if (ssm === undefined || missing === undefined)
      return {
        skipped:
          'project.ts names no setting or secret without a default (`parameters`), so no host can miss one; the SSM paths are tested in apps/hello/test/deploy/hooks.test.ts',
        faultAt: performance.now(),
        version: stage.lastGoodVersion,
        maxFailed: undefined,
        checks: [],
      };
    const target = stage.active.at(-1)!;
    const before = currentOf(target);
    let faultAt = performance.now();
    const d = await stage.deploy(withVersion(release.zip, 'rehearsal-setting-missing'), (host, phase) =>
      host === target && phase === 'deploy'
        ? {
            beforeStep: async (step) => {
              if (step !== 'AfterInstall') return;
              faultAt = performance.now();
              await ssm.remove(missing.name);
            },
          }
        : undefined,
    );
    const failed = d.rollout.hosts.find((h) => h.host === target.name);
    const afterFailure = currentOf(target);
    // The person on call puts the parameter back and redeploys what the stage runs.
    await ssm.put(missing);
    const redeploy = await stage.deploy(stage.lastGood);
    return {
      faultAt,
      version: stage.lastGoodVersion,
      watch: { deploymentId: d.deploymentId, expect: 'Failed', names: [target.name, 'AfterInstall', missing.variable] },
      maxFailed: 0,
      checks: [
        check(`${target.name} failed in AfterInstall`, failed?.failed === 'AfterInstall', `${failed?.failed}`),
        check(
          'current was untouched when AfterInstall failed',
          afterFailure === before,
          `${before} -> ${afterFailure}`,
        ),
        check('the redeploy made every host take it', redeploy.rollout.ok),
      ],
    };
  },
};
