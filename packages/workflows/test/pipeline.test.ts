import { STAGE_NAMES } from '@hello/config/define-project';
import t, { type Test } from 'tap';
import { remove, replace, replaceIn, insert } from './helpers/edit.ts';
import { jobRuns } from './helpers/job-condition.ts';
import {
  readPipeline,
  step,
  stepsRunning,
  stepsUsing,
  type Job,
  type Pipeline,
  type Step,
} from './helpers/real-workflows.ts';
import { runShapeChecks } from './helpers/shape-check.ts';
import { DEPLOY_JOB_TIMEOUT_MINUTES } from '@hello/config/constants';
import { STAGE_OUTPUTS } from '@hello/config/naming';
import { type Document, parse } from 'yaml';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../src/lint-repository.ts';

// deploy.yml and ci.yml, asserted on the real workflows and shown to fail when a change of the
// parsed document breaks what matters: one build without AWS credentials that makes the zip, the
// cloud assembly, the bundled CLI and the ancestors file; manual runs that reuse what the
// version's push run built; staging, then a prod that only a person's decision reaches (the real
// `if:` conditions evaluated with GitHub's expression library); pull-request checks without
// credentials.
t.test('pipeline shape', async (t) => {
  const CALLS_STAGE = './.github/workflows/deploy-stage.yml';
  const V = '${{ steps.version.outputs.version }}';
  const BUILT = '${{ needs.build.outputs.version }}';

  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const build = (p: Pipeline): Job | undefined => p.deploy.jobs.build;
  const upload = (p: Pipeline, name: string): Step | undefined =>
    stepsUsing(build(p), 'actions/upload-artifact').find((s) => s.with?.name === name);
  const callers = (p: Pipeline): [string, Job][] =>
    Object.entries(p.deploy.jobs).filter(([, j]) => j.uses === CALLS_STAGE);

  runShapeChecks(t, [
    {
      what: 'a manual run moves a stage backwards only when rollback is ticked',
      holds: (p) => {
        const inputs = (p.deploy.on.workflow_dispatch as { inputs?: Record<string, Record<string, unknown>> }).inputs;
        return inputs?.rollback?.type === 'boolean' && inputs.rollback.default === false;
      },
      mutations: [
        {
          file: 'deploy',
          what: 'rollback ticked by default',
          change: (d) => replace(d, ['on', 'workflow_dispatch', 'inputs', 'rollback', 'default'], true),
        },
      ],
    },
    {
      what: 'the build job can reach no AWS role and runs on every run, one build at a time in push order',
      holds: (p) =>
        same(build(p)?.permissions, { contents: 'read', actions: 'read' }) &&
        build(p)?.if === undefined &&
        stepsUsing(build(p), 'aws-actions/configure-aws-credentials').length === 0 &&
        same(build(p)?.concurrency, { group: 'deploy-build', 'cancel-in-progress': false }),
      mutations: [
        {
          file: 'deploy',
          what: 'id-token for the build',
          change: (d) => d.setIn(['jobs', 'build', 'permissions', 'id-token'], 'write'),
        },
        {
          file: 'deploy',
          what: 'build on pushes only',
          change: (d) => d.setIn(['jobs', 'build', 'if'], "github.event_name == 'push'"),
        },
        {
          file: 'deploy',
          what: 'a newer build cancels',
          change: (d) => replace(d, ['jobs', 'build', 'concurrency', 'cancel-in-progress'], true),
        },
      ],
    },
    {
      what: 'only the build job packages, synthesizes and bundles, and only a push rebuilds the zip and the assembly',
      holds: (p) => {
        const builders = (re: RegExp) =>
          Object.entries(p.deploy.jobs)
            .filter(([, j]) => stepsRunning(j, re).length > 0)
            .map(([id]) => id);
        const pkg = stepsRunning(build(p), /^pnpm package$/)[0];
        const synth = stepsRunning(build(p), /^pnpm synth$/)[0];
        return (
          same(builders(/\bpnpm (package|synth)\b/), ['build']) &&
          same(builders(/--filter=@hello\/release\.\.\./), ['build']) &&
          pkg?.if === "github.event_name == 'push'" &&
          synth?.if === "github.event_name == 'push'" &&
          pkg.env?.RELEASE_VERSION === V
        );
      },
      mutations: [
        {
          file: 'deploy',
          what: 'a manual run synthesizes the branch head',
          change: (d) => remove(d, [...step(d, 'build', /^Synthesize/m), 'if']),
        },
        {
          file: 'deploy',
          what: 'the zip named after the branch head',
          change: (d) => replace(d, [...step(d, 'build', /^Package/m), 'env', 'RELEASE_VERSION'], '${{ github.sha }}'),
        },
        {
          file: 'deploy',
          what: 'the wrong package bundled',
          change: (d) => replaceIn(d, [...step(d, 'build', /^Bundle/m), 'run'], '@hello/release', '@hello/infra'),
        },
      ],
    },
    {
      what: 'the build uploads the zip, the cloud assembly, the bundled CLI and the ancestors, failing when one is missing',
      holds: (p) =>
        [
          [`release-${V}`, `apps/hello/artifacts/hello-${V}.zip`],
          [`cloud-assembly-${V}`, 'packages/infra/cdk.out'],
          ['release-cli', 'packages/release/dist/release.mjs'],
          [`ancestors-${V}`, 'ancestors.txt'],
        ].every(
          ([name, path]) =>
            upload(p, name!)?.with?.path === path && upload(p, name!)?.with?.['if-no-files-found'] === 'error',
        ),
      mutations: [
        {
          file: 'deploy',
          what: 'the CLI source instead of its bundle',
          change: (d) =>
            replace(d, [...step(d, 'build', /^release-cli$/m), 'with', 'path'], 'packages/release/src/cli.ts'),
        },
        {
          file: 'deploy',
          what: 'a missing file only warns',
          change: (d) => replace(d, [...step(d, 'build', /^ancestors-/m), 'with', 'if-no-files-found'], 'warn'),
        },
      ],
    },
    {
      what: 'the version is a full sha on main; the ancestors file is its whole history, version first',
      holds: (p) => {
        const check = build(p)?.steps?.find((s) => s.id === 'version');
        const ancestors = stepsRunning(build(p), /^git rev-list "\$VERSION" > ancestors\.txt$/)[0];
        return (
          stepsUsing(build(p), 'actions/checkout')[0]?.with?.['fetch-depth'] === 0 &&
          ancestors?.env?.VERSION === V &&
          check?.env?.INPUT_VERSION === '${{ inputs.version }}' &&
          /\^\[0-9a-f\]\{40\}\$/.test(check.run ?? '') &&
          /git merge-base --is-ancestor "\$version" HEAD/.test(check.run ?? '') &&
          /refs\/heads\/main/.test(check.run ?? '')
        );
      },
      mutations: [
        {
          file: 'deploy',
          what: 'a shallow checkout',
          change: (d) => replace(d, [...step(d, 'build', /checkout/), 'with', 'fetch-depth'], 1),
        },
        {
          file: 'deploy',
          what: 'any commit accepted',
          change: (d) =>
            replaceIn(
              d,
              [...step(d, 'build', /^Check the version/m), 'run'],
              'git merge-base --is-ancestor "$version" HEAD',
              'true',
            ),
        },
        {
          file: 'deploy',
          what: "the branch head's ancestors",
          change: (d) => replaceIn(d, [...step(d, 'build', /^List the version/m), 'run'], '"$VERSION"', 'HEAD'),
        },
      ],
    },
    {
      what: "a manual run downloads the zip and the assembly of the version's own push run on main",
      holds: (p) => {
        const origin = build(p)?.steps?.find((s) => s.id === 'origin');
        const downloads = stepsUsing(build(p), 'actions/download-artifact');
        const dispatch = "github.event_name == 'workflow_dispatch'";
        return (
          origin?.if === dispatch &&
          /actions\/workflows\/deploy\.yml\/runs"[\s\\]*-f head_sha="\$VERSION" -f event=push -f branch=main /.test(
            origin.run ?? '',
          ) &&
          same(
            downloads.map((s) => [s.if, s.with?.name, s.with?.path, s.with?.['run-id']]),
            [
              [dispatch, `release-${V}`, 'apps/hello/artifacts', '${{ steps.origin.outputs.run-id }}'],
              [dispatch, `cloud-assembly-${V}`, 'packages/infra/cdk.out', '${{ steps.origin.outputs.run-id }}'],
            ],
          )
        );
      },
      mutations: [
        {
          file: 'deploy',
          what: 'artifacts of pull-request runs trusted',
          change: (d) => replaceIn(d, [...step(d, 'build', /^Find the push run/m), 'run'], ' -f event=push', ''),
        },
        {
          file: 'deploy',
          what: "this run's own assembly",
          change: (d) => remove(d, [...step(d, 'build', /^Download the version's cloud assembly$/m), 'with', 'run-id']),
        },
        {
          file: 'deploy',
          what: 'a push downloads too',
          change: (d) => replace(d, [...step(d, 'build', /^Download the version's release zip$/m), 'if'], 'true'),
        },
      ],
    },
    {
      what: 'staging then prod, both the one reusable stage workflow, deploying the version the build names',
      holds: (p) => {
        const { staging, prod } = p.deploy.jobs;
        const tools = {
          'node-version': '${{ needs.build.outputs.node-version }}',
          'cdk-version': '${{ needs.build.outputs.cdk-version }}',
        };
        return (
          same(
            callers(p)
              .map(([id]) => id)
              .sort(),
            [...STAGE_NAMES].sort(),
          ) &&
          callers(p).every(([, j]) => same(j.permissions, { 'id-token': 'write' })) &&
          staging?.needs === 'build' &&
          same(prod?.needs, ['build', 'staging', 'prod-gate']) &&
          same(staging.with, {
            stage: 'staging',
            mode: 'deploy',
            version: BUILT,
            'allow-older': "${{ github.event_name == 'workflow_dispatch' && inputs.rollback == true }}",
            ...tools,
          }) &&
          same(prod?.with, { stage: 'prod', mode: 'promote', from: 'staging', version: BUILT, ...tools })
        );
      },
      mutations: [
        {
          file: 'deploy',
          what: 'prod deploys instead of promoting',
          change: (d) => replace(d, ['jobs', 'prod', 'with', 'mode'], 'deploy'),
        },
        {
          file: 'deploy',
          what: 'prod takes the branch head',
          change: (d) => replace(d, ['jobs', 'prod', 'with', 'version'], '${{ github.sha }}'),
        },
        {
          file: 'deploy',
          what: 'every run may go backwards',
          change: (d) => replace(d, ['jobs', 'staging', 'with', 'allow-older'], true),
        },
        {
          file: 'deploy',
          what: 'prod without the gate',
          change: (d) => replace(d, ['jobs', 'prod', 'needs'], ['build', 'staging']),
        },
      ],
    },
    {
      what: 'prod runs only when the gate (no AWS access) says a person decides',
      holds: (p) => {
        const gate = p.deploy.jobs['prod-gate'];
        return (
          same(gate?.permissions, { actions: 'read' }) &&
          gate?.outputs?.promote === '${{ steps.decide.outputs.promote }}' &&
          /needs\.prod-gate\.outputs\.promote == 'true'/.test(p.deploy.jobs.prod?.if ?? '')
        );
      },
      mutations: [
        {
          file: 'deploy',
          what: "prod ignores the gate's answer",
          change: (d) => replaceIn(d, ['jobs', 'prod', 'if'], " && needs.prod-gate.outputs.promote == 'true'", ''),
        },
        {
          file: 'deploy',
          what: 'the gate always says yes',
          change: (d) => replace(d, ['jobs', 'prod-gate', 'outputs', 'promote'], 'true'),
        },
      ],
    },
    {
      what: 'ci.yml keeps every check; the diff job is opt-in, read-only, synthesizes before credentials, skipped for forks and Dependabot',
      holds: (p) => {
        const { check, diff } = p.ci.jobs;
        const synth = (diff?.steps ?? []).findIndex((s) => s.run === 'pnpm synth');
        const assume = (diff?.steps ?? []).findIndex((s) => s.uses?.startsWith('aws-actions/') === true);
        return (
          same(check?.permissions, { contents: 'read' }) &&
          check?.if === undefined &&
          stepsRunning(check, /\bpnpm check$/).length === 1 &&
          [
            "vars.AWS_DIFF_ENABLED == 'true'",
            'github.event.pull_request.head.repo.full_name == github.repository',
            "github.actor != 'dependabot[bot]'",
          ].every((c) => diff?.if?.includes(c) === true) &&
          stepsRunning(diff, /\binfra:deploy\b|\brelease(\.mjs)? (deploy|publish|promote)\b/).length === 0 &&
          synth >= 0 &&
          synth < assume &&
          (diff?.steps ?? []).at(-1)?.run ===
            'pnpm --filter @hello/infra exec cdk diff --app cdk.out --no-change-set' &&
          same(diff?.steps?.find((s) => s.uses === './.github/actions/setup')?.with, { cache: 'false' })
        );
      },
      mutations: [
        {
          file: 'ci',
          what: 'Dependabot gets the diff job',
          change: (d) => replaceIn(d, ['jobs', 'diff', 'if'], "github.actor != 'dependabot[bot]'", 'true'),
        },
        {
          file: 'ci',
          what: 'lint instead of the whole check',
          change: (d) => replaceIn(d, [...step(d, 'check', /pnpm check$/m), 'run'], /pnpm check$/, 'pnpm lint'),
        },
        {
          file: 'ci',
          what: 'a shared cache in a privileged job',
          change: (d) => replace(d, [...step(d, 'diff', /actions\/setup$/), 'with', 'cache'], 'true'),
        },
        {
          file: 'ci',
          what: 'synth after the credentials',
          change: (d) => replace(d, [...step(d, 'diff', /^Synthesize/m), 'run'], 'echo no synth'),
        },
        {
          file: 'ci',
          what: 'a diff that can create a change set',
          change: (d) => replace(d, [...step(d, 'diff', /^Diff/m), 'run'], 'pnpm infra:diff'),
        },
      ],
    },
  ]);

  const { deploy } = readPipeline();
  const push = { github: { event_name: 'push' } };
  const dispatch = (target: string) => ({
    github: { event_name: 'workflow_dispatch' },
    inputs: { version: 'abc', target, rollback: false },
  });
  const targets = (deploy.on.workflow_dispatch as { inputs: { target: { options: string[] } } }).inputs.target.options;

  void t.test('staging: after a successful build, unless a manual run targets prod only', (t) => {
    const staging = deploy.jobs.staging?.if;
    t.ok(jobRuns(staging, { ...push, needs: { build: { result: 'success' } } }), 'a built merge goes to staging');
    t.notOk(jobRuns(staging, { ...push, needs: { build: { result: 'failure' } } }), 'a failed build stops');
    t.notOk(jobRuns(staging, { ...push, needs: { build: { result: 'success' } } }, true), 'a cancelled run stops');
    for (const target of targets) {
      t.equal(
        jobRuns(staging, { ...dispatch(target), needs: { build: { result: 'success' } } }),
        target !== 'prod',
        target,
      );
    }
    t.end();
  });

  void t.test('prod gate: after staging succeeded, or for a manual prod-only run', (t) => {
    const gate = deploy.jobs['prod-gate']?.if;
    const needs = (build: string, staging: string) => ({ build: { result: build }, staging: { result: staging } });
    t.ok(jobRuns(gate, { ...push, needs: needs('success', 'success') }));
    t.notOk(jobRuns(gate, { ...push, needs: needs('success', 'failure') }), 'staging failed: no prod');
    t.notOk(jobRuns(gate, { ...push, needs: needs('success', 'skipped') }), 'nothing reached staging: no prod');
    t.notOk(jobRuns(gate, { ...push, needs: needs('success', 'success') }, true), 'cancelled');
    t.ok(jobRuns(gate, { ...dispatch('prod'), needs: needs('success', 'skipped') }), 'a manual promotion');
    t.notOk(
      jobRuns(gate, { ...dispatch('prod'), needs: needs('failure', 'skipped') }),
      'a failed build stops a manual promotion too',
    );
    t.notOk(
      jobRuns(gate, { ...dispatch('staging-and-prod'), needs: needs('success', 'skipped') }),
      'staging was meant to run first',
    );
    t.end();
  });

  void t.test('prod: only when the gate succeeded and said promote', (t) => {
    const prod = deploy.jobs.prod?.if;
    const needs = (result: string, promote: string) => ({
      build: { result: 'success' },
      staging: { result: 'skipped' },
      'prod-gate': { result, outputs: { promote } },
    });
    t.ok(jobRuns(prod, { ...dispatch('prod'), needs: needs('success', 'true') }));
    t.notOk(jobRuns(prod, { ...push, needs: needs('success', 'false') }), 'the gate said no: nothing reaches prod');
    t.notOk(jobRuns(prod, { ...push, needs: needs('failure', '') }), 'the gate failed: nothing reaches prod');
    t.notOk(jobRuns(prod, { ...push, needs: needs('skipped', '') }), 'the gate was skipped: nothing reaches prod');
    t.notOk(jobRuns(prod, { ...push, needs: needs('success', 'true') }, true), 'cancelled');
    t.end();
  });

  void t.test('the condition helper follows GitHub: no status function means success() && ...', (t) => {
    const skipped = { github: { event_name: 'push' }, needs: { build: { result: 'skipped' } } };
    t.notOk(jobRuns(undefined, { github: {}, needs: {} }, true));
    t.notOk(
      jobRuns("github.event_name == 'push'", skipped),
      'a skipped need skips the job, even with a condition that holds',
    );
    t.ok(jobRuns("${{ !cancelled() && github.event_name == 'push' }}", skipped), 'unless it calls a status function');
    t.ok(jobRuns('always() && !failure()', { github: {}, needs: { a: { result: 'success' } } }));
    t.notOk(jobRuns('failure()', { github: {}, needs: { a: { result: 'success' } } }));
    t.end();
  });

  void t.test('an action is pinned to the same commit everywhere', async (t) => {
    const { realSources } = await import('./helpers/fixture-files.ts');
    const pins = new Map<string, Set<string>>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, v] of Object.entries(value)) {
          if (key === 'uses' && typeof v === 'string' && !v.startsWith('./')) {
            const [action, sha] = v.split('@');
            pins.set(action!, (pins.get(action!) ?? new Set()).add(sha!));
          } else visit(v);
        }
      }
    };
    for (const file of await realSources()) visit(file.source.data);
    t.ok(pins.size >= 5, `found ${pins.size} actions`);
    for (const [action, set] of pins) t.equal(set.size, 1, `${action}: ${[...set].join(', ')}`);
  });
});

// deploy-stage.yml, the job that holds a stage's AWS credentials, asserted on the real workflow
// and shown to fail when a change of its parsed document breaks what matters: it checks out and
// installs nothing, runs only Node, the bundled release CLI and aws-cdk on what the build job
// made; prod verifies before it touches the stack; a stage never moves back unless the run says
// so; an AWS session exactly as long as the job (DEPLOY_JOB_TIMEOUT_MINUTES).
t.test('stage job shape', async (t) => {
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
                .filter(
                  (l) => /^\s*[\w"$]/.test(l) && !/^\s*(if|fi|older=|--|url=\$\(node -e|const |process\.)/.test(l),
                )
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
        const staging = [
          credentials(p),
          indexOf(p, publish),
          indexOf(p, deployCheck),
          stack,
          indexOf(p, deploy),
          smoke,
        ];
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
        mutation('a newer run cancels', (d) =>
          replace(d, ['jobs', 'deploy', 'concurrency', 'cancel-in-progress'], true),
        ),
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
        mutation('any account', (d) =>
          remove(d, [...at(d, /configure-aws-credentials/), 'with', 'allowed-account-ids']),
        ),
        mutation('always the staging environment', (d) =>
          replace(d, ['jobs', 'deploy', 'environment', 'name'], 'staging'),
        ),
        mutation('a role from a variable', (d) =>
          replace(
            d,
            [...at(d, /^Look up the stage's names$/m), 'run'],
            'echo "role-arn=$ROLE_ARN" >> "$GITHUB_OUTPUT"',
          ),
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
});

// The prod gate's real script (deploy.yml, job prod-gate), run with bash the way GitHub runs it,
// against a stand-in `gh` (test/fixtures/gh/gh, built from cli/cli's api command): prod fails
// closed unless a person starts the run, or the repository opted in AND the prod environment has
// required reviewers.
t.test('prod gate', async (t) => {
  const GH_DIR = fileURLToPath(new URL('fixtures/gh/', import.meta.url));
  const script = readPipeline().deploy.jobs['prod-gate']?.steps?.find((s) => s.id === 'decide')?.run ?? '';
  const REPO = 'octo-org/octo-repo';
  const NOT_FOUND = JSON.stringify({
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
    status: '404',
  });
  const environment = (...rules: unknown[]) => JSON.stringify({ name: 'prod', protection_rules: rules });
  const reviewers = (n: number) => ({
    id: 1,
    node_id: 'x',
    type: 'required_reviewers',
    prevent_self_review: false,
    reviewers: Array.from({ length: n }, (_, i) => ({ type: 'User', reviewer: { login: `r${i}`, id: i } })),
  });

  interface Outcome {
    code: number | null;
    promote: string | undefined;
    summary: string;
    stdout: string;
    calls: string[];
  }

  function gate(
    t: Test,
    env: Record<string, string>,
    answer: { status: number; body: string } = { status: 500, body: '{}' },
  ): Outcome {
    const dir = t.testdir({ output: '', summary: '', calls: '' });
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      encoding: 'utf8',
      env: {
        PATH: `${GH_DIR}:${process.env.PATH ?? ''}`,
        GITHUB_REPOSITORY: REPO,
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_STEP_SUMMARY: join(dir, 'summary'),
        FAKE_GH_CALLS: join(dir, 'calls'),
        FAKE_GH_STATUS: String(answer.status),
        FAKE_GH_BODY: answer.body,
        GH_TOKEN: 'x',
        ACTOR: 'alice',
        TARGET: '',
        AUTO_PROMOTE: '',
        ...env,
      },
    });
    const output = readFileSync(join(dir, 'output'), 'utf8');
    return {
      code: result.status,
      promote: /^promote=(.*)$/m.exec(output)?.[1],
      summary: readFileSync(join(dir, 'summary'), 'utf8'),
      stdout: result.stdout,
      calls: readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean),
    };
  }

  void t.test('the script is the real step, and the stand-in gh behaves like gh on 200 and 404', (t) => {
    t.match(script, /gh api "repos\/\$GITHUB_REPOSITORY\/environments\/prod"/);
    const dir = t.testdir({ calls: '' });
    const run = (status: number, body: string) =>
      spawnSync(join(GH_DIR, 'gh'), ['api', 'repos/x/environments/prod', '--jq', '.name'], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          FAKE_GH_CALLS: join(dir, 'calls'),
          FAKE_GH_STATUS: String(status),
          FAKE_GH_BODY: body,
        },
      });
    t.match(run(200, environment()), { status: 0, stdout: 'prod\n' });
    t.match(run(404, NOT_FOUND), { status: 1, stdout: NOT_FOUND, stderr: 'gh: Not Found (HTTP 404)\n' });
    writeFileSync(join(dir, 'calls'), '');
    t.equal(
      spawnSync(join(GH_DIR, 'gh'), ['repo', 'view'], {
        env: { PATH: process.env.PATH, FAKE_GH_CALLS: join(dir, 'calls'), FAKE_GH_STATUS: '200', FAKE_GH_BODY: '' },
      }).status,
      2,
    );
    t.end();
  });

  void t.test('a merge without PROD_AUTO_PROMOTE stops after staging, without asking GitHub', (t) => {
    for (const value of ['', 'false', 'TRUE', 'yes']) {
      const out = gate(t, { EVENT: 'push', AUTO_PROMOTE: value });
      t.same([out.code, out.promote, out.calls], [0, 'false', []], `PROD_AUTO_PROMOTE=${JSON.stringify(value)}`);
      t.match(
        out.summary,
        /PROD_AUTO_PROMOTE is not true; promote with Actions -> Deploy -> Run workflow \(target prod\)/,
      );
    }
    t.end();
  });

  void t.test('opted in, but the prod environment is missing or has no reviewers: no prod, and the run fails', (t) => {
    const cases = [
      { name: 'missing environment', answer: { status: 404, body: NOT_FOUND } },
      { name: 'no protection rules', answer: { status: 200, body: environment() } },
      {
        name: 'only a wait timer and branch policy',
        answer: {
          status: 200,
          body: environment({ id: 2, type: 'wait_timer', wait_timer: 30 }, { id: 3, type: 'branch_policy' }),
        },
      },
      { name: 'a reviewers rule without reviewers', answer: { status: 200, body: environment(reviewers(0)) } },
    ];
    for (const c of cases) {
      const out = gate(t, { EVENT: 'push', AUTO_PROMOTE: 'true' }, c.answer);
      t.same([out.code, out.promote], [1, 'false'], c.name);
      t.same(out.calls, [
        `api repos/${REPO}/environments/prod --jq [.protection_rules[]? | select(.type == "required_reviewers") | .reviewers[]?] | length`,
      ]);
      t.match(
        out.stdout,
        /::error::PROD_AUTO_PROMOTE is set but the prod environment does not exist or has no required reviewers/,
      );
    }
    t.end();
  });

  void t.test('opted in and protected by required reviewers: prod runs and waits for one of them', (t) => {
    const out = gate(
      t,
      { EVENT: 'push', AUTO_PROMOTE: 'true' },
      { status: 200, body: environment({ id: 3, type: 'branch_policy' }, reviewers(2)) },
    );
    t.same([out.code, out.promote], [0, 'true']);
    t.match(out.summary, /waits for one of the 2 required reviewer\(s\)/);
    t.end();
  });

  void t.test("a manual run is a person's decision: prod runs for targets that include it", (t) => {
    for (const [target, promote] of [
      ['prod', 'true'],
      ['staging-and-prod', 'true'],
      ['staging', 'false'],
    ] as const) {
      const out = gate(t, { EVENT: 'workflow_dispatch', TARGET: target });
      t.same([out.code, out.promote, out.calls], [0, promote, []], target);
    }
    t.match(
      gate(t, { EVENT: 'workflow_dispatch', TARGET: 'prod' }).summary,
      /started by hand by alice \(target prod\)/,
    );
    t.end();
  });
});

// dependabot.yml keeps npm packages and pinned actions current, grouped and after a cooldown.
t.test('dependabot config', async (t) => {
  interface Update {
    'package-ecosystem': string;
    directory?: string;
    directories?: string[];
    cooldown?: Record<string, number>;
    groups?: Record<string, unknown>;
  }

  const config = parse(readFileSync(`${REPO_ROOT}.github/dependabot.yml`, 'utf8')) as {
    version: number;
    updates: Update[];
  };
  const byEcosystem = new Map(config.updates.map((u) => [u['package-ecosystem'], u]));

  void t.test('npm and github-actions updates, each grouped and cooled down', (t) => {
    t.equal(config.version, 2);
    t.same([...byEcosystem.keys()].sort(), ['github-actions', 'npm']);
    for (const [ecosystem, update] of byEcosystem) {
      t.ok((update.cooldown?.['default-days'] ?? 0) >= 1, `${ecosystem} has a cooldown`);
      t.ok(Object.keys(update.groups ?? {}).length > 0, `${ecosystem} is grouped`);
    }
    t.end();
  });

  void t.test('the composite setup action is updated with the workflows', (t) => {
    t.same(byEcosystem.get('github-actions')?.directories, ['/', '/.github/actions/*']);
    t.end();
  });

  void t.test('per-semver cooldowns only where Dependabot supports them (not for actions)', (t) => {
    t.same(Object.keys(byEcosystem.get('github-actions')?.cooldown ?? {}), ['default-days']);
    t.match(byEcosystem.get('npm')?.cooldown, { 'semver-major-days': Number });
    t.end();
  });
});
