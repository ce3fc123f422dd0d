// `rollback`: redeploy the revision a stage ran successfully before its current one.
import { openSession } from '../aws-session.js';
import { CliError } from '../cli-error.js';
import { requireString, type Command } from '../command.js';
import { DEPLOY_OPTIONS, deployRevision, deploySettings, deploymentDescription } from '../deploy-revision.js';
import { parseStage } from '../parse-values.js';
import { describeLocation, lastSuccessfulDeployment, previousSuccessfulDeployment } from '../successful-revisions.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Redeploy the previous successful revision of a stage',
  usage: 'rollback --stage <stage> [--no-watch]',
  details: [
    "Finds the stage's last successful deployment, then the newest earlier successful deployment of",
    'a different S3 object version, and deploys that object version again (a new deployment, so',
    'CodeDeploy keeps the history). Exit 1 when there is nothing earlier to go back to.',
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
    const last = await lastSuccessfulDeployment(session, stage);
    if (last === undefined) throw new CliError(`nothing to roll back: ${stage} has no successful deployment`);
    const current = last.revision?.s3Location;
    const previous = await previousSuccessfulDeployment(session, stage, current);
    if (previous === undefined) {
      throw new CliError(`nothing to roll back to: ${stage} has no successful deployment of another revision than ${describeLocation(current)}`);
    }
    const target = previous.revision.s3Location;
    deps.stdout.write(`${stage} runs ${describeLocation(current)} (deployment ${last.deploymentId}); rolling back to ${describeLocation(target)} from deployment ${previous.deploymentId}\n`);
    return deployRevision(deps, session, settings, {
      stage,
      revision: target,
      description: deploymentDescription(deps, session, `rollback to ${describeLocation(target)} of ${previous.deploymentId}`),
    });
  },
};
