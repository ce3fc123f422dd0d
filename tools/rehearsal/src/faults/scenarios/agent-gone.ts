// The CodeDeploy agent of a host stops in the middle of a deployment and starts again later:
// the agent then fails the event it was in (command_poller.rb #recover_from_crash?).
import { withVersion } from '../../release-zip.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { check, type Scenario } from '../scenario.ts';

/** The message the agent reports for the event it was in when it stopped (its own text). */
export const AGENT_RESTART_MESSAGE = 'Failed: Failing in-progress lifecycle event after an agent restart.';

export const agentGone: Scenario = {
  id: 'agent-gone',
  fault: "a host's CodeDeploy agent gone in the middle of a deployment (and back later)",
  goal: 'no failed request while the host is out; once the agent is back the event fails and the rollback restores the host; the CLI names the host, the event and the agent restart',
  notReproduced:
    "The agent's restart is its source's behaviour (aws-codedeploy-agent command_poller.rb #recover_from_crash?). An agent that never comes back makes CodeDeploy fail the host after its one-hour timeout (https://docs.aws.amazon.com/codedeploy/latest/userguide/troubleshooting-auto-scaling.html); the stage runs one host short until then. The absence here lasts the deregistration delay, not an hour. The CLI's handling of the one-hour answer: packages/release/test/commands/watch.test.ts.",
  async run({ stage, release }) {
    const target = stage.active[0]!;
    const lastGood = stage.lastGoodVersion;
    let faultAt = performance.now();
    const d = await stage.deploy(withVersion(release.zip, 'rehearsal-agent-gone'), (host, phase) =>
      host === target && phase === 'deploy'
        ? {
            beforeStep: async (step) => {
              if (step !== 'BeforeInstall') return;
              faultAt = performance.now();
              await sleep(stage.timing.drainMs);
              throw new Error(AGENT_RESTART_MESSAGE);
            },
          }
        : undefined,
    );
    return {
      faultAt,
      version: lastGood,
      watch: { deploymentId: d.deploymentId, expect: 'Failed', names: [target.name, 'BeforeInstall', 'agent restart'] },
      maxFailed: 0,
      checks: [
        check(`${target.name} failed in BeforeInstall`, d.rollout.hosts[0]?.failed === 'BeforeInstall'),
        check('the rollback restored the host', d.rollout.rollback?.ok === true),
      ],
    };
  },
};
