// `redeploy`: deploy the release a stage runs once more, so every host reads the stage's settings
// and secrets from SSM again (AfterInstall does, on every deployment): a rotated secret or a
// changed setting reaches the hosts without a new build.
import { openSession } from '../aws-session.ts';
import { CliError } from '@hello/cli-kit/cli-error';
import { requireString, type Command } from '../command.ts';
import { DEPLOY_OPTIONS, deployRevision, deploySettings, deploymentDescription } from '../deploy-revision.ts';
import { parseStage } from '../parse-values.ts';
import { describeLocation, lastSuccessfulDeployment, readDeploymentGroup } from '../successful-revisions.ts';

export const redeployCommand: Command = {
  name: 'redeploy',
  summary: "Deploy the release a stage runs again: it takes the stage's current settings and secrets",
  usage: 'redeploy --stage <stage> [--no-watch]',
  details: [
    "Creates a CodeDeploy deployment of the S3 object version of the group's last successful",
    'deployment: the same release, byte for byte. Its AfterInstall reads the settings and secrets',
    'the stage keeps in SSM, so a value put with `aws ssm put-parameter` reaches every host, one',
    "batch at a time as the group's deployment configuration says. Watches it like `deploy`. Exit",
    '1 when the stage has no successful deployment yet (nothing to redeploy) or when a host fails.',
  ].join('\n'),
  examples: ['pnpm release redeploy --stage staging', 'pnpm release redeploy --stage prod --no-watch'],
  options: {
    stage: { type: 'string', value: '<stage>', description: 'stage whose release to deploy again (staging, prod)' },
    ...DEPLOY_OPTIONS,
  },
  async run(args, deps) {
    const stage = parseStage(requireString(this, args, 'stage'));
    const settings = deploySettings(args);
    const session = await openSession(deps);
    const running = await lastSuccessfulDeployment(session, await readDeploymentGroup(session, stage));
    const revision = running?.revision?.s3Location;
    if (running === undefined || revision === undefined) {
      throw new CliError(
        `nothing to redeploy: ${stage} has no successful deployment of a release in S3 yet; deploy one with \`pnpm release deploy --stage ${stage} --version <sha>\``,
      );
    }
    deps.stdout.write(
      `${stage} runs ${describeLocation(revision)} (deployment ${running.deploymentId}); deploying it again so every host reads ${stage}'s settings and secrets\n`,
    );
    return deployRevision(deps, session, settings, {
      stage,
      revision,
      description: deploymentDescription(
        deps,
        session,
        `redeploy of ${describeLocation(revision)} from ${running.deploymentId}`,
      ),
    });
  },
};
