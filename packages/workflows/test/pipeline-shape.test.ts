// The pipeline issue 6 asks for, asserted on the real workflows: one build without AWS
// credentials, staging after build, prod after staging in environment prod promoting the object
// staging deployed, each stage assuming the role of its own environment.
import { readdirSync, readFileSync } from 'node:fs';
import { STAGE_NAMES } from '@hello/config/define-project';
import { STAGE_OUTPUTS } from '@hello/config/naming';
import t from 'tap';
import { REPO_ROOT } from '../src/lint-repository.js';
import { readWorkflow, stepsRunning, stepsUsing, type Job } from './helpers/real-workflows.js';

const deploy = readWorkflow('workflows/deploy.yml');
const stage = readWorkflow('workflows/deploy-stage.yml');
const ci = readWorkflow('workflows/ci.yml');
const stageJob = stage.jobs.deploy;
const CALLS_STAGE = './.github/workflows/deploy-stage.yml';
const AWS = 'aws-actions/configure-aws-credentials';

const callers = (): [string, Job][] => Object.entries(deploy.jobs).filter(([, j]) => j.uses === CALLS_STAGE);

void t.test('deploy.yml runs on pushes to main and on a manual run with a version', (t) => {
  t.same(deploy.on.push, { branches: ['main'] });
  t.match(deploy.on.workflow_dispatch, { inputs: { version: { required: true, type: 'string' } } });
  t.end();
});

void t.test('one build job packages the release, with no way to AWS, and keeps the zip', (t) => {
  const packagers = Object.entries(deploy.jobs).filter(([, j]) => stepsRunning(j, /\bpnpm package\b/).length > 0);
  t.same(packagers.map(([id]) => id), ['build'], 'exactly one job builds');
  const build = deploy.jobs.build;
  t.same(build?.permissions, { contents: 'read' }, 'no id-token: no AWS role can be assumed');
  t.same(stepsUsing(build, AWS), []);
  t.equal(stepsRunning(build, /\bpnpm package\b/)[0]?.env?.RELEASE_VERSION, '${{ github.sha }}');
  t.match(stepsUsing(build, 'actions/upload-artifact')[0]?.with, {
    name: 'release-${{ github.sha }}',
    path: 'apps/hello/artifacts/hello-${{ github.sha }}.zip',
    'if-no-files-found': 'error',
  });
  t.equal(build?.if, "github.event_name == 'push'", 'a manual redeploy does not rebuild');
  t.end();
});

void t.test('staging needs build; prod needs staging; both are the one reusable stage workflow', (t) => {
  t.same(callers().map(([id]) => id).sort(), [...STAGE_NAMES].sort(), 'one caller per stage in packages/config');
  const staging = deploy.jobs.staging;
  const prod = deploy.jobs.prod;
  t.equal(staging?.needs, 'build');
  t.match(staging?.if, /needs\.build\.result == 'success'/, 'a failed build stops the pipeline');
  t.match(staging?.with, { stage: 'staging', artifact: 'release-${{ github.sha }}' });
  t.equal(prod?.needs, 'staging');
  t.match(prod?.if, /needs\.staging\.result == 'success'/);
  t.match(prod?.with, { stage: 'prod', mode: 'promote', from: 'staging' });
  t.equal(prod?.with?.version, staging?.with?.version, 'prod gets the version staging got');
  for (const [id, job] of callers()) t.same(job.permissions, { contents: 'read', 'id-token': 'write' }, id);
  t.end();
});

void t.test('prod deploys the object staging deployed: no download, no publish, no rebuild', (t) => {
  t.equal(deploy.jobs.prod?.with?.artifact, undefined);
  const promote = stepsRunning(stageJob, /\brelease promote\b/);
  t.equal(promote.length, 1);
  t.equal(promote[0]?.if, "inputs.mode == 'promote'");
  t.match(promote[0]?.run, /--from "\$FROM" --to "\$STAGE"/);
  for (const step of [...stepsUsing(stageJob, 'actions/download-artifact'), ...stepsRunning(stageJob, /\brelease publish\b/)]) {
    t.equal(step.if, "inputs.mode == 'publish'", `${step.name ?? step.uses} runs only when publishing`);
  }
  t.same(stepsRunning(stageJob, /\bpnpm (package|build)\b/), []);
  const download = stepsUsing(stageJob, 'actions/download-artifact')[0];
  t.match(download?.with, { name: '${{ inputs.artifact }}', path: 'release' });
  t.match(stepsRunning(stageJob, /\brelease publish\b/)[0]?.run, /--file "\$GITHUB_WORKSPACE\/release\/hello-\$VERSION\.zip"/,
    'the zip build uploaded, by an absolute path (pnpm runs the CLI in packages/infra)');
  t.end();
});

void t.test('each stage job runs in its own environment and assumes that environment\'s role', (t) => {
  t.equal(stageJob?.environment?.name, '${{ inputs.stage }}');
  t.equal(stageJob?.env?.STAGE, '${{ inputs.stage }}');
  const [names] = stepsRunning(stageJob, /\brelease names\b/);
  t.equal(names?.id, 'names');
  t.match(names?.run, /release names --stage "\$STAGE" >> "\$GITHUB_OUTPUT"/);
  const assume = stepsUsing(stageJob, AWS);
  t.equal(assume.length, 1);
  t.match(assume[0]?.with, { 'role-to-assume': '${{ steps.names.outputs.role-arn }}', 'allowed-account-ids': '${{ steps.names.outputs.account }}' });
  const steps = stageJob?.steps ?? [];
  t.ok(steps.indexOf(assume[0] ?? {}) > steps.findIndex((s) => s.uses === './.github/actions/setup'), 'dependencies are installed before credentials exist');
  t.end();
});

void t.test('one deploy per stage at a time, never cancelled, for at most an hour', (t) => {
  t.same(stageJob?.concurrency, { group: 'deploy-${{ inputs.stage }}', 'cancel-in-progress': false });
  t.match(stageJob, { 'timeout-minutes': Number });
  t.end();
});

void t.test("the environment URL is the stage stack's endpoint output", (t) => {
  t.equal(stageJob?.environment?.url, '${{ steps.endpoint.outputs.url }}');
  const endpoint = (stageJob?.steps ?? []).find((s) => s.id === 'endpoint');
  t.ok(endpoint?.run?.includes(`OutputKey=='${STAGE_OUTPUTS.endpointUrl}'`), 'reads the output key packages/config names');
  t.end();
});

void t.test('ci.yml checks everything without AWS; the diff job is opt-in and never on forks', (t) => {
  const check = ci.jobs.check;
  t.same(check?.permissions, { contents: 'read' });
  t.equal(stepsRunning(check, /^pnpm check$/).length, 1);
  const apt = stepsRunning(check, /apt-get install .*haproxy.*shellcheck/)[0];
  t.ok(apt && (check?.steps ?? []).indexOf(apt) < (check?.steps ?? []).findIndex((s) => s.run === 'pnpm check'), 'rehearse tools first');
  t.ok(stepsUsing(check, 'actions/cache')[0]?.with?.path === '.turbo/cache', 'turbo cache');
  const diff = ci.jobs.diff;
  t.match(diff?.if, /vars\.AWS_DIFF_ENABLED == 'true'/);
  t.match(diff?.if, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
  t.equal(stepsRunning(diff, /release names --pull-request/).length, 1);
  t.equal(stepsRunning(diff, /\binfra:deploy\b|\brelease (deploy|publish|promote)\b/).length, 0, 'read-only');
  t.end();
});

void t.test('an action is pinned to the same commit everywhere', (t) => {
  const texts = [
    ...readdirSync(`${REPO_ROOT}.github/workflows`).map((f) => readFileSync(`${REPO_ROOT}.github/workflows/${f}`, 'utf8')),
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

void t.test('jobs that can assume a role install without a shared cache', (t) => {
  const privileged = [stageJob, ci.jobs.diff];
  for (const job of privileged) {
    t.equal(job?.permissions?.['id-token'], 'write');
    t.same((job?.steps ?? []).find((s) => s.uses === './.github/actions/setup')?.with, { cache: 'false' });
  }
  t.end();
});
