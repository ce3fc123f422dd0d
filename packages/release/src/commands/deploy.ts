// `deploy`: roll one published release, pinned to its S3 object version, onto a stage.
import { readAncestors } from '../ancestry.ts';
import { openSession } from '../aws-session.ts';
import { EXIT } from '@hello/cli-kit/cli-error';
import { requireString, type Command } from '../command.ts';
import { checkDeployRules, type DeployCheck } from '../deploy-checks.ts';
import { DEPLOY_OPTIONS, deployRevision, deploySettings, deploymentDescription } from '../deploy-revision.ts';
import { parseStage, parseVersion } from '../parse-values.ts';
import { describeLocation } from '../successful-revisions.ts';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Deploy a published release to a stage and watch every host',
  usage:
    'deploy --stage <stage> --version <sha> [--ancestors <file>] [--allow-older] [--skip-stage-order] [--check] [--no-watch]',
  details: [
    'Creates a CodeDeploy deployment of releases/<sha>.zip pinned to its current S3 object version',
    'and ETag, prints the deployment id and a console link, then watches it like `watch`. When a',
    'deployment is already running on the group it waits for it (bounded by --busy-timeout).',
    'A stage after the first refuses a version that has not succeeded on every host of the stage',
    'before it (unless --skip-stage-order). With --ancestors it refuses when the stage runs a',
    "version that is not in the file (unless --allow-older). The group's first deployment overrides",
    'its alarms. Exit 0 when every host succeeded, 1 when refused, failed or stopped, 3 on a bound.',
    'With --check it applies every refusal rule above, makes no deployment and no other write, prints',
    'a line per check and exits 0 when deploy would proceed, 1 when it would refuse (2: bad command line).',
  ].join('\n'),
  examples: [
    'pnpm release deploy --stage staging --version "$(git rev-parse HEAD)"',
    'git rev-list HEAD > ancestors.txt && pnpm release deploy --stage staging --version "$(git rev-parse HEAD)" --ancestors ancestors.txt',
    'pnpm release deploy --stage staging --version "$(git rev-parse HEAD)" --ancestors ancestors.txt --check',
  ],
  options: {
    stage: { type: 'string', value: '<stage>', description: 'stage to deploy to (staging, prod)' },
    version: { type: 'string', value: '<sha>', description: 'a release published with `publish`' },
    ancestors: {
      type: 'string',
      value: '<file>',
      description: 'output of `git rev-list <sha>`: refuse to move the stage backwards or sideways',
    },
    'allow-older': {
      type: 'boolean',
      description: 'deploy even when the stage runs a version not in --ancestors (a deliberate rollback or redeploy)',
    },
    'skip-stage-order': {
      type: 'boolean',
      description: 'deploy even when the version has not succeeded in the stage before this one',
    },
    check: {
      type: 'boolean',
      description: 'verify only: exit 0 when deploy would proceed, 1 when it would refuse; deploys nothing',
    },
    ...DEPLOY_OPTIONS,
  },
  async run(args, deps) {
    const check = args.values.check === true;
    const lines: string[] = [];
    const report = ({ line, passed, checkOnly }: DeployCheck): void => {
      if (check) lines.push(`  ${passed ? '✓' : '-'} ${line}`);
      else if (!checkOnly) deps.stdout.write(`${line}\n`);
    };
    const given = (name: string): string => {
      const v = args.values[name];
      return typeof v === 'string' && v !== '' ? v : `<no --${name}>`;
    };
    const header = (): string => `checked deploy of ${given('version')} to ${given('stage')}:`;
    try {
      const stage = parseStage(requireString(this, args, 'stage'));
      const version = parseVersion(requireString(this, args, 'version'));
      const settings = deploySettings(args);
      const file = args.values.ancestors;
      const ancestors = typeof file === 'string' ? await readAncestors(deps, file, version) : undefined;
      const listed =
        ancestors === undefined
          ? ''
          : `, --ancestors ${String(file)} lists ${ancestors.size} commit(s) starting with ${version}`;
      report({ line: `arguments: stage ${stage}, version ${version}${listed}`, passed: true, checkOnly: true });
      const session = await openSession(deps);
      report({
        line: `account: signed in as ${session.caller.arn}, in the configured account`,
        passed: true,
        checkOnly: true,
      });
      const request = {
        stage,
        version,
        ancestors,
        allowOlder: args.values['allow-older'] === true,
        skipStageOrder: args.values['skip-stage-order'] === true,
      };
      const object = await checkDeployRules(session, request, report);
      if (check) {
        const target = describeLocation({ bucket: object.bucket, key: object.key, version: object.versionId });
        deps.stdout.write(
          [
            header(),
            ...lines,
            `deploy would proceed: ${stage} would get ${target}. Nothing was deployed (--check).`,
            '',
          ].join('\n'),
        );
        return EXIT.ok;
      }
      return await deployRevision(deps, session, settings, {
        stage,
        revision: {
          bucket: object.bucket,
          key: object.key,
          bundleType: 'zip',
          version: object.versionId,
          eTag: object.eTag,
        },
        description: deploymentDescription(deps, session, `release ${version}`),
      });
    } catch (error) {
      // The checks that passed, then the refusal itself on stderr (`error: ...`) and its exit code.
      if (check)
        deps.stdout.write(
          [header(), ...lines, 'deploy would refuse (the error below). Nothing was deployed (--check).', ''].join('\n'),
        );
      throw error;
    }
  },
};
