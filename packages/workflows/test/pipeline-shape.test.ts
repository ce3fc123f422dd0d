// deploy.yml as issue 11 asks for it, asserted on the real workflow and shown to fail on a
// one-line mutation of each line that matters: one build without AWS credentials that makes the
// zip, the cloud assembly, the bundled CLI and the ancestors file; manual runs that reuse what
// the version's push run built; staging, then a prod that only a person's decision reaches.
import { readdirSync, readFileSync } from 'node:fs';
import { STAGE_NAMES } from '@hello/config/define-project';
import t from 'tap';
import { REPO_ROOT } from '../src/lint-repository.ts';
import { stepsRunning, stepsUsing, type Job, type Pipeline, type Step } from './helpers/real-workflows.ts';
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
    what: 'runs on pushes to main and on a manual run naming a version, a target and an explicit rollback',
    holds: (p) =>
      same(p.deploy.on.push, { branches: ['main'] }) &&
      same(p.deploy.on.workflow_dispatch, {
        inputs: {
          version: { description: descriptionOf(p, 'version'), type: 'string', required: true },
          target: {
            description: descriptionOf(p, 'target'),
            type: 'choice',
            options: ['staging-and-prod', 'staging', 'prod'],
            default: 'staging-and-prod',
          },
          rollback: { description: descriptionOf(p, 'rollback'), type: 'boolean', default: false },
        },
      }),
    mutations: [
      { file: 'deploy', from: '        default: false', to: '        default: true' },
      {
        file: 'deploy',
        from: '        options: [staging-and-prod, staging, prod]',
        to: '        options: [staging-and-prod, prod]',
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
      { file: 'deploy', from: '      actions: read', to: '      id-token: write' },
      { file: 'deploy', from: '    timeout-minutes: 30', to: "    if: github.event_name == 'push'" },
      { file: 'deploy', from: '      cancel-in-progress: false', to: '      cancel-in-progress: true' },
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
      { file: 'deploy', from: "        if: github.event_name == 'push'\n", to: '', nth: 1 },
      {
        file: 'deploy',
        from: '          RELEASE_VERSION: ${{ steps.version.outputs.version }}',
        to: '          RELEASE_VERSION: ${{ github.sha }}',
      },
      {
        file: 'deploy',
        from: '        run: pnpm exec turbo run build --filter=@hello/release...',
        to: '        run: pnpm exec turbo run build --filter=@hello/infra...',
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
          upload(p, name ?? '')?.with?.path === path && upload(p, name ?? '')?.with?.['if-no-files-found'] === 'error',
      ),
    mutations: [
      {
        file: 'deploy',
        from: '          path: packages/release/dist/release.mjs',
        to: '          path: packages/infra/src/release/cli.ts',
      },
      { file: 'deploy', from: '          path: packages/infra/cdk.out', to: '          path: cdk.out', nth: 1 },
      { file: 'deploy', from: '          if-no-files-found: error', to: '          if-no-files-found: warn', nth: 2 },
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
      { file: 'deploy', from: '          fetch-depth: 0', to: '          fetch-depth: 1' },
      {
        file: 'deploy',
        from: '          if ! git merge-base --is-ancestor "$version" HEAD 2>/dev/null; then',
        to: '          if false; then',
      },
      {
        file: 'deploy',
        from: '        run: git rev-list "$VERSION" > ancestors.txt',
        to: '        run: git rev-list HEAD > ancestors.txt',
      },
    ],
  },
  {
    what: "a manual run downloads the zip and the assembly of the version's own push run on main",
    holds: (p) => {
      const origin = build(p)?.steps?.find((s) => s.id === 'origin');
      const downloads = stepsUsing(build(p), 'actions/download-artifact');
      return (
        origin?.if === "github.event_name == 'workflow_dispatch'" &&
        /actions\/workflows\/deploy\.yml\/runs"[\s\\]*-f head_sha="\$VERSION" -f event=push -f branch=main /.test(
          origin.run ?? '',
        ) &&
        same(
          downloads.map((s) => [s.if, s.with?.name, s.with?.path, s.with?.['run-id']]),
          [
            [
              "github.event_name == 'workflow_dispatch'",
              `release-${V}`,
              'apps/hello/artifacts',
              '${{ steps.origin.outputs.run-id }}',
            ],
            [
              "github.event_name == 'workflow_dispatch'",
              `cloud-assembly-${V}`,
              'packages/infra/cdk.out',
              '${{ steps.origin.outputs.run-id }}',
            ],
          ],
        )
      );
    },
    mutations: [
      { file: 'deploy', from: ' -f event=push', to: '' },
      { file: 'deploy', from: '          run-id: ${{ steps.origin.outputs.run-id }}\n', to: '', nth: 1 },
      { file: 'deploy', from: "        if: github.event_name == 'workflow_dispatch'", to: '        if: true', nth: 2 },
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
      { file: 'deploy', from: '      mode: promote', to: '      mode: deploy' },
      { file: 'deploy', from: `      version: ${BUILT}`, to: '      version: ${{ github.sha }}', nth: 1 },
      {
        file: 'deploy',
        from: "      allow-older: ${{ github.event_name == 'workflow_dispatch' && inputs.rollback == true }}",
        to: '      allow-older: true',
      },
      { file: 'deploy', from: '    needs: [build, staging, prod-gate]', to: '    needs: [build, staging]' },
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
        from: "    if: ${{ !cancelled() && needs.prod-gate.result == 'success' && needs.prod-gate.outputs.promote == 'true' }}",
        to: "    if: ${{ !cancelled() && needs.prod-gate.result == 'success' }}",
      },
      { file: 'deploy', from: '      promote: ${{ steps.decide.outputs.promote }}', to: "      promote: 'true'" },
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
        stepsRunning(check, /^pnpm check$/).length === 1 &&
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
      { file: 'ci', from: "      github.actor != 'dependabot[bot]'", to: '      true' },
      {
        file: 'ci',
        from: '      - run: pnpm check',
        to: '      - run: pnpm lint',
      },
      { file: 'ci', from: "          cache: 'false'", to: "          cache: 'true'" },
      { file: 'ci', from: '        run: pnpm synth', to: '        run: echo no synth' },
      {
        file: 'ci',
        from: '        run: pnpm --filter @hello/infra exec cdk diff --app cdk.out --no-change-set',
        to: '        run: pnpm infra:diff --no-change-set',
      },
    ],
  },
]);

/** The description of a dispatch input as written, so the comparison is about the other keys. */
function descriptionOf(p: Pipeline, input: string): unknown {
  return (p.deploy.on.workflow_dispatch as { inputs?: Record<string, { description?: unknown }> } | undefined)
    ?.inputs?.[input]?.description;
}

void t.test('an action is pinned to the same commit everywhere', (t) => {
  const texts = [
    ...readdirSync(`${REPO_ROOT}.github/workflows`).map((f) =>
      readFileSync(`${REPO_ROOT}.github/workflows/${f}`, 'utf8'),
    ),
    readFileSync(`${REPO_ROOT}.github/actions/setup/action.yml`, 'utf8'),
  ];
  const pins = new Map<string, Set<string>>();
  for (const [, action, pin] of texts.join('\n').matchAll(/uses: ([\w.-]+\/[\w./-]+)@(\S+ # \S+)/g)) {
    pins.set(action ?? '', (pins.get(action ?? '') ?? new Set()).add(pin ?? ''));
  }
  t.ok(pins.size >= 7, `found ${pins.size} actions`);
  for (const [action, set] of pins) t.equal(set.size, 1, `${action}: ${[...set].join(', ')}`);
  t.end();
});
