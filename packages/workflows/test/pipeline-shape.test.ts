// deploy.yml and ci.yml, asserted on the real workflows and shown to fail when a change of the
// parsed document breaks what matters: one build without AWS credentials that makes the zip, the
// cloud assembly, the bundled CLI and the ancestors file; manual runs that reuse what the
// version's push run built; staging, then a prod that only a person's decision reaches (the real
// `if:` conditions evaluated with GitHub's expression library); pull-request checks without
// credentials.
import { STAGE_NAMES } from '@hello/config/define-project';
import t from 'tap';
import { remove, replace, replaceIn } from './helpers/edit.ts';
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
        (diff?.steps ?? []).at(-1)?.run === 'pnpm --filter @hello/infra exec cdk diff --app cdk.out --no-change-set' &&
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
