// The control: traffic control broken on purpose (hooks run while the load balancer still sends
// the host requests). Its goal must fail; if the matrix saw no failed request here, it could not
// see one anywhere, and the run fails.
import { withVersion } from '../../release-zip.ts';
import { check, type Scenario } from '../scenario.ts';

export const drainSkipped: Scenario = {
  id: 'drain-skipped',
  fault: "control: a deployment that skips the load balancer's drain",
  goal: 'must fail its own goal (no failed request): the matrix sees a broken drain',
  control: true,
  async run({ stage, release }) {
    const version = 'rehearsal-drain-skipped';
    const faultAt = performance.now();
    const d = await stage.deploy(withVersion(release.zip, version), undefined, true);
    return {
      faultAt,
      version,
      watch: { deploymentId: d.deploymentId, expect: 'Succeeded' },
      maxFailed: 0,
      checks: [check('the deployment itself succeeded', d.rollout.ok)],
    };
  },
};
