// `rollback`: take a stage back one release, never forward, whatever alarm the incident set off.
import { openSession } from '../aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';
import { requireString, type Command } from '../command.ts';
import { DEPLOY_OPTIONS, deployRevision, deploySettings, deploymentDescription } from '../deploy-revision.ts';
import { parseStage } from '../parse-values.ts';
import { describeLocation, releaseStack, successfulHistory } from '../successful-revisions.ts';

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Take a stage back one release (never forward); alarms cannot block it',
  usage: 'rollback --stage <stage> [--no-watch]',
  details: [
    "Replays the stage's successful deployments oldest first into a stack of releases: a new",
    'revision goes on top, a revision already on the stack takes it back there (the ones above it',
    'were rolled away from). Deploys the release below the top, so each call goes back one more',
    "release. The deployment overrides the group's alarms (an incident's rollback is never blocked",
    'by the alarm it fixes). Exit 1 when there is nothing earlier to go back to.',
  ].join('\n'),
  examples: ['pnpm release rollback --stage prod'],
  options: {
    stage: { type: 'string', value: '<stage>', description: 'stage to roll back (staging, prod)' },
    ...DEPLOY_OPTIONS,
  },
  async run(args, deps) {
    const stage = parseStage(requireString(this, args, 'stage'));
    const settings = deploySettings(args);
    const session = await openSession(deps);
    const stack = releaseStack(await successfulHistory(session, stage));
    const current = stack.at(-1);
    const previous = stack.at(-2);
    if (current === undefined)
      throw new CliError(`nothing to roll back: ${stage} has no successful deployment of a release in S3`);
    if (previous === undefined) {
      throw new CliError(
        `nothing to roll back to: ${stage} runs ${describeLocation(current.revision.s3Location)} (deployment ${current.deploymentId}) and has no earlier release that was not rolled away from`,
      );
    }
    const target = previous.revision.s3Location;
    deps.stdout.write(
      `${stage} runs ${describeLocation(current.revision.s3Location)} (deployment ${current.deploymentId}); rolling back one release to ${describeLocation(target)} from deployment ${previous.deploymentId}\n`,
    );
    return deployRevision(deps, session, settings, {
      stage,
      revision: target,
      alarms: 'override-rollback',
      description: deploymentDescription(
        deps,
        session,
        `rollback to ${describeLocation(target)} of ${previous.deploymentId}`,
      ),
    });
  },
};
