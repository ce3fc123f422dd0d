// deploy-stage.yml, the job that holds a stage's AWS credentials, asserted on the real workflow
// and shown to fail on a one-line mutation of each line that matters: it checks out and installs
// nothing, runs only Node, the bundled release CLI and aws-cdk on what the build job made; prod
// verifies before it touches the stack; a stage never moves back unless the run says so; one
// deploy per stage; an AWS session exactly as long as the job (DEPLOY_JOB_TIMEOUT_MINUTES).
import { DEPLOY_JOB_TIMEOUT_MINUTES } from '@hello/config/constants';
import { STAGE_OUTPUTS } from '@hello/config/naming';
import t from 'tap';
import { stepsRunning, stepsUsing, type Job, type Pipeline, type Step } from './helpers/real-workflows.ts';
import { runShapeChecks } from './helpers/shape-check.ts';

const AWS = 'aws-actions/configure-aws-credentials';
const CDK = '"$RUNNER_TEMP/aws-cdk/node_modules/.bin/cdk"';
const CLI = 'node cli/release.mjs';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const job = (p: Pipeline): Job | undefined => p.stage.jobs.deploy;
const steps = (p: Pipeline): Step[] => job(p)?.steps ?? [];
const indexOf = (p: Pipeline, step: Step | undefined): number => (step === undefined ? -1 : steps(p).indexOf(step));
const credentials = (p: Pipeline): number => indexOf(p, stepsUsing(job(p), AWS)[0]);
const only = (p: Pipeline, re: RegExp): Step | undefined => {
  const found = stepsRunning(job(p), re);
  return found.length === 1 ? found[0] : undefined;
};
/** `release deploy` itself, and its `--check` run before the stack changes. */
const deployStep = (p: Pipeline): Step | undefined => only(p, /release\.mjs deploy (?![^\n]*--check)/);
const deployCheckStep = (p: Pipeline): Step | undefined => only(p, /release\.mjs deploy [^\n]*--check$/m);

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
      {
        file: 'stage',
        from: `        run: ${CLI} smoke --stage "$STAGE" --version "$VERSION"`,
        to: '        run: pnpm release smoke --stage "$STAGE" --version "$VERSION"',
      },
      {
        file: 'stage',
        from: `        run: ${CLI} publish --version "$VERSION" --file "release/hello-$VERSION.zip"`,
        to: '        run: aws s3 cp "release/hello-$VERSION.zip" s3://bucket/',
      },
      {
        file: 'stage',
        from: '        uses: actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1',
        to: '        uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
      },
    ],
  },
  {
    what: 'aws-cdk is installed at the pinned exact version, scripts off, before any credential exists',
    holds: (p) => {
      const install = only(p, /\bnpm install\b/);
      return (
        install?.run ===
          'npm install --prefix "$RUNNER_TEMP/aws-cdk" --no-save --ignore-scripts --no-audit --no-fund "aws-cdk@$CDK_VERSION"' &&
        job(p)?.env?.CDK_VERSION === '${{ inputs.cdk-version }}' &&
        indexOf(p, install) < credentials(p) &&
        /\^\[0-9\]\+\\\.\[0-9\]\+\\\.\[0-9\]\+\$/.test(steps(p)[0]?.run ?? '')
      );
    },
    mutations: [
      { file: 'stage', from: ' --ignore-scripts', to: '' },
      { file: 'stage', from: '"aws-cdk@$CDK_VERSION"', to: 'aws-cdk@latest' },
      { file: 'stage', from: '      CDK_VERSION: ${{ inputs.cdk-version }}', to: "      CDK_VERSION: '2'" },
    ],
  },
  {
    what: 'the stack update deploys the cloud assembly the build job synthesized, nothing else',
    holds: (p) => {
      const assembly = stepsUsing(job(p), 'actions/download-artifact').find((s) => s.with?.path === 'assembly');
      const cli = stepsUsing(job(p), 'actions/download-artifact').find((s) => s.with?.path === 'cli');
      return (
        assembly?.with?.name === 'cloud-assembly-${{ inputs.version }}' &&
        assembly.if === undefined &&
        cli?.with?.name === 'release-cli' &&
        stepsUsing(job(p), 'actions/download-artifact').every((s) => s.with?.['run-id'] === undefined) &&
        new RegExp(
          `^${esc(CDK)} deploy --app assembly "\\$STACK" \\\\\\n\\s+--require-approval never --no-notices --outputs-file "\\$RUNNER_TEMP/cdk-outputs.json"\\n$`,
        ).test(only(p, /\bdeploy --app\b/)?.run ?? '')
      );
    },
    mutations: [
      {
        file: 'stage',
        from: '          name: cloud-assembly-${{ inputs.version }}',
        to: '          name: cloud-assembly-latest',
      },
      {
        file: 'stage',
        from: ` ${CDK} deploy --app assembly "$STACK" \\`,
        to: ` ${CDK} deploy --app "npx tsx bin/infra.ts" "$STACK" \\`,
      },
      { file: 'stage', from: '          path: cli', to: '          path: assembly' },
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
      return (
        check?.if === "inputs.mode == 'promote'" &&
        promote?.if === "inputs.mode == 'promote'" &&
        publish?.if === "inputs.mode == 'deploy'" &&
        deploy?.if === "inputs.mode == 'deploy'" &&
        credentials(p) < indexOf(p, check) &&
        indexOf(p, check) < stack &&
        stack < indexOf(p, promote) &&
        indexOf(p, promote) < smoke &&
        credentials(p) < indexOf(p, publish) &&
        indexOf(p, publish) < indexOf(p, deployCheck) &&
        indexOf(p, deployCheck) < stack &&
        stack < indexOf(p, deploy) &&
        indexOf(p, deploy) < smoke &&
        deployCheck?.if === "inputs.mode == 'deploy'" &&
        only(p, /\bdeploy --app\b/)?.if === undefined &&
        smoke === steps(p).length - 1
      );
    },
    mutations: [
      {
        file: 'stage',
        from: `        run: ${CLI} promote --version "$VERSION" --from "$FROM" --to "$STAGE" --check`,
        to: `        run: ${CLI} promote --version "$VERSION" --from "$FROM" --to "$STAGE"`,
      },
      {
        file: 'stage',
        from: "        if: inputs.mode == 'promote'",
        to: "        if: inputs.mode == 'deploy'",
        nth: 0,
      },
      { file: 'stage', from: '      - name: Update the stage stack', to: "      - if: inputs.mode == 'deploy'" },
      { file: 'stage', from: ' "${older[@]}" --check', to: ' "${older[@]}"' },
      {
        file: 'stage',
        from: "        if: inputs.mode == 'deploy'",
        to: "        if: inputs.mode == 'promote'",
        nth: 3,
      },
    ],
  },
  {
    what: 'staging checks and deploys with the ancestors file, and --allow-older only from the explicit input',
    holds: (p) => {
      const run = deployStep(p)?.run ?? '';
      const input = (p.stage.on.workflow_call as { inputs?: Record<string, unknown> }).inputs?.['allow-older'];
      const command = `${CLI} deploy --stage "$STAGE" --version "$VERSION" --ancestors ancestors/ancestors.txt "\${older[@]}"`;
      return (
        run.includes(command) &&
        deployCheckStep(p)?.run === run.replace(command, `${command} --check`) &&
        run.includes('older=()\n') &&
        run.includes('if [ "$ALLOW_OLDER" = true ]; then older=(--allow-older); fi') &&
        run.split('--allow-older').length === 2 &&
        !/--skip-stage-order/.test(JSON.stringify(p.stage)) &&
        job(p)?.env?.ALLOW_OLDER === '${{ inputs.allow-older }}' &&
        same(input, { description: descriptionOf(input), type: 'boolean', default: false }) &&
        stepsUsing(job(p), 'actions/download-artifact').find((s) => s.with?.path === 'ancestors')?.with?.name ===
          'ancestors-${{ inputs.version }}'
      );
    },
    mutations: [
      { file: 'stage', from: '          older=()', to: '          older=(--allow-older)' },
      { file: 'stage', from: ' --ancestors ancestors/ancestors.txt', to: '' },
      { file: 'stage', from: '        default: false', to: '        default: true' },
      { file: 'stage', from: '      ALLOW_OLDER: ${{ inputs.allow-older }}', to: "      ALLOW_OLDER: 'true'" },
    ],
  },
  {
    what: 'one deployment per stage at a time, never cancelled',
    holds: (p) => same(job(p)?.concurrency, { group: 'deploy-${{ inputs.stage }}', 'cancel-in-progress': false }),
    mutations: [
      { file: 'stage', from: '      cancel-in-progress: false', to: '      cancel-in-progress: true' },
      {
        file: 'stage',
        from: '      group: deploy-${{ inputs.stage }}',
        to: '      group: deploy-${{ github.run_id }}',
      },
    ],
  },
  {
    what: `timeout-minutes and role-duration-seconds derive from DEPLOY_JOB_TIMEOUT_MINUTES (${DEPLOY_JOB_TIMEOUT_MINUTES})`,
    holds: (p) =>
      job(p)?.['timeout-minutes'] === DEPLOY_JOB_TIMEOUT_MINUTES &&
      Number(stepsUsing(job(p), AWS)[0]?.with?.['role-duration-seconds']) === DEPLOY_JOB_TIMEOUT_MINUTES * 60,
    mutations: [
      {
        file: 'stage',
        from: `    timeout-minutes: ${DEPLOY_JOB_TIMEOUT_MINUTES}`,
        to: `    timeout-minutes: ${DEPLOY_JOB_TIMEOUT_MINUTES + 30}`,
      },
      {
        file: 'stage',
        from: `          role-duration-seconds: ${DEPLOY_JOB_TIMEOUT_MINUTES * 60}`,
        to: '          role-duration-seconds: 7200',
      },
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
      { file: 'stage', from: '          allowed-account-ids: ${{ steps.names.outputs.account }}\n', to: '' },
      { file: 'stage', from: '      name: ${{ inputs.stage }}', to: '      name: staging' },
      {
        file: 'stage',
        from: '        run: node cli/release.mjs names --stage "$STAGE" >> "$GITHUB_OUTPUT"',
        to: '        run: echo "role-arn=$ROLE_ARN" >> "$GITHUB_OUTPUT"',
      },
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
    mutations: [{ file: 'stage', from: `"$STACK" ${STAGE_OUTPUTS.endpointUrl})`, to: '"$STACK" Endpoint)' }],
  },
  {
    what: "Node is the build's version, without a shared cache",
    holds: (p) =>
      same(stepsUsing(job(p), 'actions/setup-node')[0]?.with, {
        'node-version': '${{ inputs.node-version }}',
        'package-manager-cache': false,
      }),
    mutations: [{ file: 'stage', from: '          package-manager-cache: false', to: '          cache: npm' }],
  },
]);

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function descriptionOf(input: unknown): unknown {
  return (input as { description?: unknown }).description;
}
