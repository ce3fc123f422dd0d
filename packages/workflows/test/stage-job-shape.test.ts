// deploy-stage.yml, the job that holds a stage's AWS credentials, asserted on the real workflow
// and shown to fail when a change of its parsed document breaks what matters: it checks out and
// installs nothing, runs only Node, the bundled release CLI and aws-cdk on what the build job
// made; prod verifies before it touches the stack; a stage never moves back unless the run says
// so; an AWS session exactly as long as the job (DEPLOY_JOB_TIMEOUT_MINUTES).
import { DEPLOY_JOB_TIMEOUT_MINUTES } from '@hello/config/constants';
import { STAGE_OUTPUTS } from '@hello/config/naming';
import t from 'tap';
import type { Document } from 'yaml';
import { insert, remove, replace, replaceIn } from './helpers/edit.ts';
import { step, stepsRunning, stepsUsing, type Job, type Pipeline, type Step } from './helpers/real-workflows.ts';
import { runShapeChecks } from './helpers/shape-check.ts';

const AWS = 'aws-actions/configure-aws-credentials';
const CDK = '"$RUNNER_TEMP/aws-cdk/node_modules/.bin/cdk"';
const CLI = 'node cli/release.mjs';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const job = (p: Pipeline): Job | undefined => p.stage.jobs.deploy;
const steps = (p: Pipeline): Step[] => job(p)?.steps ?? [];
const indexOf = (p: Pipeline, s: Step | undefined): number => (s === undefined ? -1 : steps(p).indexOf(s));
const credentials = (p: Pipeline): number => indexOf(p, stepsUsing(job(p), AWS)[0]);
const only = (p: Pipeline, re: RegExp): Step | undefined => {
  const found = stepsRunning(job(p), re);
  return found.length === 1 ? found[0] : undefined;
};
/** `release deploy` itself, and its `--check` run before the stack changes. */
const deployStep = (p: Pipeline): Step | undefined => only(p, /release\.mjs deploy (?![^\n]*--check)/);
const deployCheckStep = (p: Pipeline): Step | undefined => only(p, /release\.mjs deploy [^\n]*--check$/m);
/** The path of a step of the stage job, by its name (or action). */
const at = (d: Document, name: RegExp) => step(d, 'deploy', name);
const mutation = (what: string, change: (d: Document) => void) => ({ file: 'stage' as const, what, change });

runShapeChecks(t, [
  {
    what: 'no checkout, no workspace install: after credentials only Node, the bundled CLI and aws-cdk run',
    holds: (p) =>
      stepsUsing(job(p), 'actions/checkout').length === 0 &&
      steps(p).every((s) => !s.uses?.startsWith('./')) &&
      steps(p).every((s) => !/\b(pnpm|npx|yarn|tsx)\b/.test(s.run ?? '')) &&
      stepsRunning(job(p), /\bnpm\b/).length === 1 &&
      steps(p)
        .slice(credentials(p) + 1)
        .every(
          (s) =>
            s.uses === undefined &&
            (s.run ?? '')
              .split('\n')
              .filter((l) => /^\s*[\w"$]/.test(l) && !/^\s*(if|fi|older=|--|url=\$\(node -e|const |process\.)/.test(l))
              .every((l) => l.trim().startsWith(CLI) || l.trim().startsWith(CDK)),
        ),
    mutations: [
      mutation('pnpm with credentials', (d) => replaceIn(d, [...at(d, /^Smoke-test/), 'run'], CLI, 'pnpm release')),
      mutation('the AWS CLI publishes', (d) =>
        replace(d, [...at(d, /^Publish/), 'run'], 'aws s3 cp "release/hello-$VERSION.zip" s3://bucket/'),
      ),
      mutation('a checkout', (d) =>
        insert(d, ['jobs', 'deploy', 'steps'], 1, {
          uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
        }),
      ),
    ],
  },
  {
    what: 'aws-cdk is installed at the pinned exact version, scripts off, before any credential exists',
    holds: (p) => {
      const install = only(p, /\bnpm install\b/);
      return (
        /--ignore-scripts/.test(install?.run ?? '') &&
        /"aws-cdk@\$CDK_VERSION"$/.test(install?.run ?? '') &&
        job(p)?.env?.CDK_VERSION === '${{ inputs.cdk-version }}' &&
        indexOf(p, install) < credentials(p) &&
        /\^\[0-9\]\+\\\.\[0-9\]\+\\\.\[0-9\]\+\$/.test(steps(p)[0]?.run ?? '')
      );
    },
    mutations: [
      mutation('install scripts run', (d) =>
        replaceIn(d, [...at(d, /^Install the aws-cdk/), 'run'], ' --ignore-scripts', ''),
      ),
      mutation('the newest aws-cdk', (d) =>
        replaceIn(d, [...at(d, /^Install the aws-cdk/), 'run'], '"aws-cdk@$CDK_VERSION"', 'aws-cdk@latest'),
      ),
      mutation('a range for a version', (d) => replace(d, ['jobs', 'deploy', 'env', 'CDK_VERSION'], '2')),
    ],
  },
  {
    what: 'the stack update deploys the cloud assembly the build job synthesized, nothing else',
    holds: (p) => {
      const downloads = stepsUsing(job(p), 'actions/download-artifact');
      const assembly = downloads.find((s) => s.with?.path === 'assembly');
      const cli = downloads.find((s) => s.with?.path === 'cli');
      return (
        assembly?.with?.name === 'cloud-assembly-${{ inputs.version }}' &&
        assembly.if === undefined &&
        cli?.with?.name === 'release-cli' &&
        downloads.every((s) => s.with?.['run-id'] === undefined) &&
        new RegExp(`^${esc(CDK)} deploy --app assembly "\\$STACK" \\\\\\n\\s+--require-approval never`).test(
          only(p, /\bdeploy --app\b/)?.run ?? '',
        )
      );
    },
    mutations: [
      mutation('any assembly', (d) =>
        replace(d, [...at(d, /^Download the cloud assembly/), 'with', 'name'], 'cloud-assembly-latest'),
      ),
      mutation('the app synthesized again', (d) =>
        replaceIn(d, [...at(d, /^Update the stage stack/), 'run'], '--app assembly', '--app "npx tsx bin/infra.ts"'),
      ),
      mutation('the CLI over the assembly', (d) =>
        replace(d, [...at(d, /^Download the release CLI/), 'with', 'path'], 'assembly'),
      ),
    ],
  },
  {
    what: 'prod verifies first (promote --check), then updates the stack, then promotes; staging publishes, checks (deploy --check), updates, deploys',
    holds: (p) => {
      const check = only(p, /release\.mjs promote .*--check$/);
      const promote = only(p, /release\.mjs promote --version "\$VERSION" --from "\$FROM" --to "\$STAGE"$/);
      const publish = only(p, /release\.mjs publish /);
      const deploy = deployStep(p);
      const deployCheck = deployCheckStep(p);
      const stack = indexOf(p, only(p, /\bdeploy --app\b/));
      const smoke = indexOf(p, only(p, /release\.mjs smoke --stage "\$STAGE" --version "\$VERSION"$/));
      const order = [credentials(p), indexOf(p, check), stack, indexOf(p, promote), smoke];
      const staging = [credentials(p), indexOf(p, publish), indexOf(p, deployCheck), stack, indexOf(p, deploy), smoke];
      const ascending = (list: number[]) => list.every((v, i) => v >= 0 && (i === 0 || list[i - 1]! < v));
      return (
        check?.if === "inputs.mode == 'promote'" &&
        promote?.if === "inputs.mode == 'promote'" &&
        publish?.if === "inputs.mode == 'deploy'" &&
        deploy?.if === "inputs.mode == 'deploy'" &&
        deployCheck?.if === "inputs.mode == 'deploy'" &&
        only(p, /\bdeploy --app\b/)?.if === undefined &&
        ascending(order) &&
        ascending(staging) &&
        smoke === steps(p).length - 1
      );
    },
    mutations: [
      mutation('prod promotes without checking', (d) =>
        replaceIn(d, [...at(d, /^Check that .* runs the version/), 'run'], ' --check', ''),
      ),
      mutation('the check runs on staging', (d) =>
        replace(d, [...at(d, /^Check that .* runs the version/), 'if'], "inputs.mode == 'deploy'"),
      ),
      mutation('prod skips the stack', (d) =>
        d.setIn([...at(d, /^Update the stage stack/), 'if'], "inputs.mode == 'deploy'"),
      ),
      mutation('staging deploys without checking first', (d) =>
        replaceIn(d, [...at(d, /^Check that the stage may take/), 'run'], ' --check', ''),
      ),
      mutation('staging skips the deploy', (d) =>
        replace(d, [...at(d, /^Deploy the release/), 'if'], "inputs.mode == 'promote'"),
      ),
    ],
  },
  {
    what: 'staging checks and deploys with the ancestors file, and --allow-older only from the explicit input',
    holds: (p) => {
      const run = deployStep(p)?.run ?? '';
      const input = (p.stage.on.workflow_call as { inputs?: Record<string, Record<string, unknown>> }).inputs?.[
        'allow-older'
      ];
      const command = `${CLI} deploy --stage "$STAGE" --version "$VERSION" --ancestors ancestors/ancestors.txt "\${older[@]}"`;
      return (
        run.includes(command) &&
        deployCheckStep(p)?.run === run.replace(command, `${command} --check`) &&
        run.includes('older=()\n') &&
        run.includes('if [ "$ALLOW_OLDER" = true ]; then older=(--allow-older); fi') &&
        run.split('--allow-older').length === 2 &&
        !/--skip-stage-order/.test(JSON.stringify(p.stage)) &&
        job(p)?.env?.ALLOW_OLDER === '${{ inputs.allow-older }}' &&
        input?.type === 'boolean' &&
        input.default === false &&
        stepsUsing(job(p), 'actions/download-artifact').find((s) => s.with?.path === 'ancestors')?.with?.name ===
          'ancestors-${{ inputs.version }}'
      );
    },
    mutations: [
      mutation('always older', (d) =>
        replaceIn(d, [...at(d, /^Deploy the release/), 'run'], 'older=()', 'older=(--allow-older)'),
      ),
      mutation('no ancestors', (d) =>
        replaceIn(d, [...at(d, /^Deploy the release/), 'run'], ' --ancestors ancestors/ancestors.txt', ''),
      ),
      mutation('older by default', (d) =>
        replace(d, ['on', 'workflow_call', 'inputs', 'allow-older', 'default'], true),
      ),
      mutation('older always on', (d) => replace(d, ['jobs', 'deploy', 'env', 'ALLOW_OLDER'], 'true')),
    ],
  },
  {
    what: 'one deployment per stage at a time, never cancelled',
    holds: (p) => same(job(p)?.concurrency, { group: 'deploy-${{ inputs.stage }}', 'cancel-in-progress': false }),
    mutations: [
      mutation('a newer run cancels', (d) => replace(d, ['jobs', 'deploy', 'concurrency', 'cancel-in-progress'], true)),
      mutation('a group per run', (d) =>
        replace(d, ['jobs', 'deploy', 'concurrency', 'group'], 'deploy-${{ github.run_id }}'),
      ),
    ],
  },
  {
    what: 'timeout-minutes and role-duration-seconds derive from DEPLOY_JOB_TIMEOUT_MINUTES',
    holds: (p) =>
      job(p)?.['timeout-minutes'] === DEPLOY_JOB_TIMEOUT_MINUTES &&
      Number(stepsUsing(job(p), AWS)[0]?.with?.['role-duration-seconds']) === DEPLOY_JOB_TIMEOUT_MINUTES * 60,
    mutations: [
      mutation('a longer job', (d) =>
        replace(d, ['jobs', 'deploy', 'timeout-minutes'], DEPLOY_JOB_TIMEOUT_MINUTES + 30),
      ),
      mutation('a longer session than the roles allow', (d) =>
        replace(
          d,
          [...at(d, /configure-aws-credentials/), 'with', 'role-duration-seconds'],
          DEPLOY_JOB_TIMEOUT_MINUTES * 120,
        ),
      ),
    ],
  },
  {
    what: "the job runs in the stage's environment and assumes that environment's role, named by the bundled CLI",
    holds: (p) => {
      const names = only(p, /release\.mjs names/);
      return (
        job(p)?.environment?.name === '${{ inputs.stage }}' &&
        job(p)?.env?.STAGE === '${{ inputs.stage }}' &&
        same(job(p)?.permissions, { 'id-token': 'write' }) &&
        names?.id === 'names' &&
        names.run === `${CLI} names --stage "$STAGE" >> "$GITHUB_OUTPUT"` &&
        indexOf(p, names) < credentials(p) &&
        stepsUsing(job(p), AWS).length === 1 &&
        same(stepsUsing(job(p), AWS)[0]?.with, {
          'role-to-assume': '${{ steps.names.outputs.role-arn }}',
          'aws-region': '${{ steps.names.outputs.region }}',
          'allowed-account-ids': '${{ steps.names.outputs.account }}',
          'role-session-name': 'deploy-${{ inputs.stage }}-${{ github.run_id }}',
          'role-duration-seconds': DEPLOY_JOB_TIMEOUT_MINUTES * 60,
        })
      );
    },
    mutations: [
      mutation('any account', (d) => remove(d, [...at(d, /configure-aws-credentials/), 'with', 'allowed-account-ids'])),
      mutation('always the staging environment', (d) =>
        replace(d, ['jobs', 'deploy', 'environment', 'name'], 'staging'),
      ),
      mutation('a role from a variable', (d) =>
        replace(d, [...at(d, /^Look up the stage's names$/m), 'run'], 'echo "role-arn=$ROLE_ARN" >> "$GITHUB_OUTPUT"'),
      ),
    ],
  },
  {
    what: "the environment link is the stack's endpoint output, read from cdk's outputs file with Node",
    holds: (p) => {
      const endpoint = steps(p).find((s) => s.id === 'endpoint');
      return (
        job(p)?.environment?.url === '${{ steps.endpoint.outputs.url }}' &&
        endpoint?.run?.includes(`"$RUNNER_TEMP/cdk-outputs.json" "$STACK" ${STAGE_OUTPUTS.endpointUrl})`) === true &&
        endpoint.env?.STACK === '${{ steps.names.outputs.stack }}'
      );
    },
    mutations: [
      mutation('another output', (d) =>
        replaceIn(
          d,
          [...at(d, /^Read the stage's endpoint/), 'run'],
          `"$STACK" ${STAGE_OUTPUTS.endpointUrl})`,
          '"$STACK" Endpoint)',
        ),
      ),
    ],
  },
  {
    what: "Node is the build's version, without a shared cache",
    holds: (p) =>
      same(stepsUsing(job(p), 'actions/setup-node')[0]?.with, {
        'node-version': '${{ inputs.node-version }}',
        'package-manager-cache': false,
      }),
    mutations: [mutation('a shared npm cache', (d) => d.setIn([...at(d, /setup-node/), 'with', 'cache'], 'npm'))],
  },
]);

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
