// `names`: the AWS names of a stage as key=value lines for $GITHUB_OUTPUT (no AWS call).
import { STAGE_NAMES } from '@hello/config/define-project';
import {
  artifactBucketName,
  codeDeployApplicationName,
  deploymentGroupName,
  deployRoleName,
  parameterPath,
  pullRequestRoleName,
  stageStackName,
} from '@hello/config/naming';
import { project } from '@hello/config/project';
import { awsPartition } from '../aws/aws-partition.ts';
import { EXIT, UsageError } from '@hello/cli-kit/cli-error';
import type { Command } from '../command.ts';
import { parseStage } from '../parse-values.ts';

function roleArn(name: string): string {
  return `arn:${awsPartition(project.aws.region)}:iam::${project.aws.account}:role/${name}`;
}

export const namesCommand: Command = {
  name: 'names',
  summary: 'Print the AWS names of a stage (or of the pull-request role) as key=value lines',
  usage: 'names --stage <stage> | --pull-request',
  details: [
    'Prints region, account, role-arn, stack, bucket, application, deployment-group and parameter-path',
    "(where the stage's settings and secrets live in SSM) of a stage,",
    'derived from packages/config, one key=value per line, for `>> "$GITHUB_OUTPUT"`; with',
    '--pull-request the region and the read-only role for `cdk diff`. Calls no AWS API.',
  ].join('\n'),
  examples: ['pnpm release names --stage staging >> "$GITHUB_OUTPUT"', 'pnpm release names --pull-request'],
  options: {
    stage: { type: 'string', value: '<stage>', description: `one of ${STAGE_NAMES.join(', ')}` },
    'pull-request': { type: 'boolean', description: 'names for pull-request jobs instead of a stage' },
  },
  run(args, deps) {
    const pullRequest = args.values['pull-request'] === true;
    const stageValue = args.values.stage;
    if (pullRequest === (typeof stageValue === 'string')) {
      throw new UsageError('names: give exactly one of --stage <stage> or --pull-request');
    }
    let pairs: [string, string][];
    if (typeof stageValue === 'string') {
      const stage = parseStage(stageValue);
      pairs = [
        ['region', project.aws.region],
        ['account', project.aws.account],
        ['role-arn', roleArn(deployRoleName(project, stage))],
        ['stack', stageStackName(project, stage)],
        ['bucket', artifactBucketName(project)],
        ['application', codeDeployApplicationName(project, stage)],
        ['deployment-group', deploymentGroupName(stage)],
        ['parameter-path', parameterPath(project, stage)],
      ];
    } else {
      pairs = [
        ['region', project.aws.region],
        ['role-arn', roleArn(pullRequestRoleName(project))],
      ];
    }
    deps.stdout.write(pairs.map(([k, v]) => `${k}=${v}\n`).join(''));
    return Promise.resolve(EXIT.ok);
  },
};
