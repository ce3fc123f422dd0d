// A revision that passes ValidateService on the first host and crashes on the next. With two
// hosts the next is the last one, and a OneAtATime deployment whose last host fails is
// Succeeded (MinimumHealthyHosts, CodeDeploy API reference): CodeDeploy does not roll it back,
// the release CLI must refuse it, and the person on call rolls back (`pnpm release rollback`).
import { crashingOn } from '../faulty-revisions.ts';
import { check, type Scenario } from '../scenario.ts';

export const crashOnSecondHost: Scenario = {
  id: 'crash-on-second-host',
  fault: 'a revision that passes ValidateService on the first host and crashes on the next',
  goal: 'no failed request; the release CLI fails the deployment CodeDeploy calls Succeeded, naming the host, ValidateService and the script failure; the rollback a person starts makes the stage whole',
  notReproduced:
    "CodeDeploy's verdict follows its documented OneAtATime rule: a failure on the last host leaves the deployment Succeeded, so no automatic rollback (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_MinimumHealthyHosts.html). The person's rollback starts at once here; on AWS, add the time until someone runs it.",
  async run({ stage, release, unitPath }) {
    const [first, second] = stage.active;
    const good = stage.lastGood;
    const lastGood = stage.lastGoodVersion;
    let faultAt = performance.now();
    const d = await stage.deploy(
      crashingOn(release.zip, 'rehearsal-crash-on-second', unitPath, second!.name),
      (host, phase) =>
        host === second && phase === 'deploy'
          ? { beforeStep: (step) => void (step === 'ApplicationStart' && (faultAt = performance.now())) }
          : undefined,
    );
    const [one, two] = d.rollout.hosts;
    // What the person on call does once the pipeline fails: roll the stage back one release.
    const recovery = await stage.deploy(good);
    return {
      faultAt,
      version: lastGood,
      watch: {
        deploymentId: d.deploymentId,
        expect: 'Failed',
        names: [second!.name, 'ValidateService', 'ScriptFailed'],
      },
      maxFailed: 0,
      checks: [
        check(`${first!.name} took the revision`, one?.ok === true),
        check(`${second!.name} failed in ValidateService`, two?.failed === 'ValidateService', `${two?.failed}`),
        check('CodeDeploy calls it Succeeded (its last host failed)', d.rollout.status === 'Succeeded'),
        check('the rollback the person starts restores both hosts', recovery.rollout.ok),
      ],
    };
  },
};
