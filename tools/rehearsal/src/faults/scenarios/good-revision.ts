// The baseline row: the release itself rolled out under load, one host at a time.
import { check, type Scenario } from '../scenario.ts';

export const goodRevision: Scenario = {
  id: 'good-revision',
  fault: 'none: the release rolled out under load (baseline)',
  goal: 'no failed request; every host serves it; the CLI exits 0',
  async run({ stage, release }) {
    const faultAt = performance.now();
    const d = await stage.deploy(release.zip);
    return {
      faultAt,
      version: release.version,
      watch: { deploymentId: d.deploymentId, expect: 'Succeeded' },
      maxFailed: 0,
      checks: [check('the deployment succeeded on every host', d.rollout.ok)],
    };
  },
};
