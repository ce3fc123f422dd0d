// A host that dies in the middle of a deployment (terminated): its agent never reports again;
// Auto Scaling launches a replacement, which CodeDeploy gives the last good revision.
import { HostLost } from '../../code-deploy-agent.ts';
import { withVersion } from '../../release-zip.ts';
import { check, type Scenario } from '../scenario.ts';

export const hostTerminated: Scenario = {
  id: 'host-terminated',
  fault: 'a host terminated in the middle of a deployment',
  goal: 'no failed request; a replacement gets the last good revision and the deployment fails; the CLI names the host, the event it stopped in and that CodeDeploy heard nothing more from it',
  notReproduced:
    "Auto Scaling's replacement and CodeDeploy's handling of the lost host are stand-ins. The replacement starts at once and gets the last good revision, as CodeDeploy deploys 'the application revision that was most recently deployed' to instances launched during a deployment (https://docs.aws.amazon.com/codedeploy/latest/userguide/integrations-aws-auto-scaling.html). CodeDeploy waits up to one hour for an agent that does not answer (https://docs.aws.amazon.com/codedeploy/latest/userguide/troubleshooting-auto-scaling.html): on AWS the failure and the rollback come that much later, with both revisions in service until then; suspending Terminate during deployments avoids the case (https://docs.aws.amazon.com/codedeploy/latest/userguide/integrations-aws-auto-scaling-suspend-processes.html). The CLI's handling of the answer: packages/release/test/commands/watch.test.ts.",
  async run({ stage, release }) {
    const target = stage.active[0]!;
    const lastGood = stage.lastGoodVersion;
    let faultAt = performance.now();
    let replacement = { name: 'none', ok: false };
    const d = await stage.deploy(withVersion(release.zip, 'rehearsal-terminated'), (host, phase) =>
      host === target && phase === 'deploy'
        ? {
            beforeStep: async (step) => {
              if (step !== 'BeforeInstall') return;
              faultAt = performance.now();
              await stage.terminate(host);
              const launched = await stage.launch();
              replacement = { name: launched.host.name, ok: launched.ok };
              throw new HostLost('the instance was terminated');
            },
          }
        : undefined,
    );
    return {
      faultAt,
      version: lastGood,
      watch: { deploymentId: d.deploymentId, expect: 'Failed', names: [target.name, 'BeforeInstall', 'terminated'] },
      maxFailed: 0,
      checks: [
        check(`${target.name} was lost in BeforeInstall`, d.rollout.hosts[0]?.deployment.lost === true),
        check(
          'the deployment failed, nothing left to roll back',
          d.rollout.status === 'Failed' && d.rollout.rollback === undefined,
        ),
        check(`the replacement ${replacement.name} got the last good revision`, replacement.ok),
        check(`${target.name} is off the stage`, !stage.active.includes(target)),
      ],
    };
  },
};
