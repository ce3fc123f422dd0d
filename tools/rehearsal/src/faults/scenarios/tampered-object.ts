// The object in the artifact bucket is not the one that was published: a file changed after
// release.json recorded its sha256. AfterInstall verifies every file before anything switches.
import { tampered } from '../faulty-revisions.ts';
import { currentOf } from '../row-checks.ts';
import { deployFailingAt } from './deploy-failing-at.ts';
import { check, type Scenario } from '../scenario.ts';

export const tamperedObject: Scenario = {
  id: 'tampered-object',
  fault: 'an object in the artifact bucket that is not the one that was published',
  goal: 'no failed request; AfterInstall refuses the revision before current switches; the rollback restores the host; the CLI names the host, AfterInstall and the script failure',
  async run({ stage, release, unitPath }) {
    const target = stage.active[0]!;
    const lastGood = stage.lastGoodVersion;
    const before = currentOf(target);
    const zip = tampered(release.zip, 'rehearsal-tampered', unitPath);
    const { d, faultAt, atFailure } = await deployFailingAt(stage, target, zip, 'AfterInstall');
    const failed = d.rollout.hosts[0];
    return {
      faultAt,
      version: lastGood,
      watch: { deploymentId: d.deploymentId, expect: 'Failed', names: [target.name, 'AfterInstall', 'ScriptFailed'] },
      maxFailed: 0,
      checks: [
        check(`${target.name} failed in AfterInstall`, failed?.failed === 'AfterInstall', `${failed?.failed}`),
        check('current was untouched when AfterInstall refused it', atFailure === before, `${before} -> ${atFailure}`),
        check('the rollback restored the host', d.rollout.rollback?.ok === true),
      ],
    };
  },
};
