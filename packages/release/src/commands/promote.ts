// `promote`: deploy to the next stage exactly the S3 object version the previous stage ran.
import { openSession } from '../aws-session.ts';
import { EXIT } from '@hello/cli-kit/cli-error';
import { requireString, type Command } from '../command.ts';
import { DEPLOY_OPTIONS, deployRevision, deploySettings, deploymentDescription } from '../deploy-revision.ts';
import { parseStage, parseVersion } from '../parse-values.ts';
import { proveStageRan } from '../stage-proof.ts';
import { assertNextStage } from '../stage-order.ts';
import { describeLocation } from '../successful-revisions.ts';

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Deploy to the next stage the exact object version the previous one ran on every host',
  usage: 'promote --version <sha> --from staging --to prod [--check] [--no-watch]',
  details: [
    'Releases move forward one stage at a time, in the order of `stages` in the settings. Refuses',
    "(exit 1) unless --from's last deployment succeeded on every host with releases/<sha>.zip,",
    'nothing was attempted on --from after it, and S3 still holds that object version (nobody',
    'replaced the bytes). Then deploys that same bucket, key, object version and ETag to --to.',
    'With --check it only verifies and prints what it checked: exit 0 or 1, no deployment.',
  ].join('\n'),
  examples: [
    'pnpm release promote --version "$(git rev-parse HEAD)" --from staging --to prod --check',
    'pnpm release promote --version "$(git rev-parse HEAD)" --from staging --to prod',
  ],
  options: {
    version: { type: 'string', value: '<sha>', description: 'the release staging ran' },
    from: { type: 'string', value: '<stage>', description: 'stage that proved the release', default: 'staging' },
    to: { type: 'string', value: '<stage>', description: 'stage to deploy it to', default: 'prod' },
    check: { type: 'boolean', description: 'verify only: exit 0 when it could be promoted, 1 when not' },
    ...DEPLOY_OPTIONS,
  },
  async run(args, deps) {
    const version = parseVersion(requireString(this, args, 'version'));
    const from = parseStage(requireString(this, args, 'from'), '--from');
    const to = parseStage(requireString(this, args, 'to'), '--to');
    assertNextStage(from, to);
    const settings = deploySettings(args);
    const session = await openSession(deps);
    const proof = await proveStageRan(session, from, version, `refusing to promote ${version} to ${to}`);
    if (args.values.check === true) {
      deps.stdout.write(
        [
          `checked ${version} for promotion from ${from} to ${to}:`,
          ...proof.checks.map((c) => `  ✓ ${c}`),
          `${to} is the stage after ${from}; promote would deploy it. Nothing was deployed (--check).`,
          '',
        ].join('\n'),
      );
      return EXIT.ok;
    }
    const ran = proof.location;
    deps.stdout.write(
      `${from} last succeeded on every host with ${describeLocation(ran)} in deployment ${proof.deploymentId}; promoting it to ${to}\n`,
    );
    return deployRevision(deps, session, settings, {
      stage: to,
      revision: {
        bucket: ran.bucket,
        key: ran.key,
        bundleType: ran.bundleType ?? 'zip',
        version: ran.version,
        eTag: ran.eTag,
      },
      description: deploymentDescription(deps, session, `promote ${version} from ${from}`),
    });
  },
};
