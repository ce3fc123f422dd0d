// The release rules of `deploy`: every host must succeed, stages in order, never backwards by
// accident (--ancestors), the first deployment of a group is not stopped by its alarms.
import { CreateDeploymentCommand, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { stageOrder } from '../../src/stage-order.ts';
import { host, scriptDeployment } from '../deployment-fixtures.ts';
import { mockAws, testDeps } from '../release-test-deps.ts';
import { groupOf, neverDeployed, releaseAt, stageRan } from '../stage-fixtures.ts';

type Stage = ReturnType<typeof stageOrder>[number];
const [first, second] = stageOrder() as [Stage, Stage];
const sha = (c: string) => c.repeat(40);
const [A, B, C, D, X] = ['a', 'b', 'c', 'd', 'e'].map(sha) as [string, string, string, string, string];
const created = (aws: ReturnType<typeof mockAws>) => aws.codeDeploy.commandCalls(CreateDeploymentCommand);

function published(aws: ReturnType<typeof mockAws>, objectVersion = 'v7'): void {
  aws.s3.on(HeadBucketCommand).resolves({});
  aws.s3.on(HeadObjectCommand).resolves({ VersionId: objectVersion, ETag: `"etag-${objectVersion}"` });
}

t.test(
  `one host failing in ${first} fails the deploy (whatever CodeDeploy says), and promote refuses the version`,
  async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PARTIAL01' });
    const diagnostics = {
      errorCode: 'ScriptFailed' as const,
      scriptName: 'hooks/validate-service.sh',
      message: 'Script at specified location: hooks/validate-service.sh run as user root failed with exit code 1',
      logTail: '[stderr]GET /healthz: 503\n',
    };
    const hosts = [host('i-0aaa', 'Succeeded', 7), host('i-0bbb', 'Failed', 6, 'Failed', diagnostics)];
    // CodeDeployDefault.AllAtOnce: minimum healthy hosts 0, so one successful host makes it Succeeded.
    scriptDeployment(aws.codeDeploy, 'd-PARTIAL01', [{ status: 'Succeeded', hosts }]);
    const deps = testDeps();
    t.equal(await runRelease(['deploy', '--stage', first, '--version', C], deps), 1);
    const err = deps.err();
    t.match(err, 'deployment d-PARTIAL01 failed on 1 of 2 host(s), although CodeDeploy reports it Succeeded');
    t.match(err, 'host i-0bbb failed at ValidateService: ScriptFailed (hooks/validate-service.sh)');
    t.match(err, `  log tail of ValidateService on i-0bbb:\n    [stderr]GET /healthz: 503`);
    t.notMatch(err, 'host i-0aaa');
    t.notMatch(deps.out(), 'succeeded on 2 host(s)');
    // CodeDeploy now lists it as the group's last successful deployment.
    stageRan(aws, first, 'd-PARTIAL01', releaseAt(C, 'v7'), { hosts });
    const promote = testDeps();
    t.equal(await runRelease(['promote', '--version', C, '--from', first, '--to', second], promote), 1);
    t.match(promote.err(), `did not succeed on every host (i-0bbb Failed)`);
    const later = testDeps();
    t.equal(await runRelease(['deploy', '--stage', second, '--version', C], later), 1);
    t.match(
      later.err(),
      `refusing to deploy ${C} to ${second} (pass --skip-stage-order to deploy it anyway): ${first}'s deployment d-PARTIAL01`,
    );
    t.equal(created(aws).length, 1, 'only the first deploy created a deployment');
  },
);

t.test(`deploy to ${second} needs the version to have succeeded on every host of ${first}`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SECOND01' });
  stageRan(aws, first, 'd-FIRST0001', releaseAt(B, 'v7'));
  const other = testDeps();
  t.equal(await runRelease(['deploy', '--stage', second, '--version', C, '--no-watch'], other), 1);
  t.match(other.err(), `${first}'s last successful deployment d-FIRST0001 ran s3://`);
  t.equal(created(aws).length, 0);
  const skipped = testDeps();
  t.equal(
    await runRelease(['deploy', '--stage', second, '--version', C, '--no-watch', '--skip-stage-order'], skipped),
    0,
    skipped.err(),
  );
  t.match(skipped.out(), `stage order: not checking that ${C} succeeded in ${first} first (--skip-stage-order)`);
  stageRan(aws, first, 'd-FIRST0002', releaseAt(C, 'v7'));
  const proven = testDeps();
  t.equal(await runRelease(['deploy', '--stage', second, '--version', C, '--no-watch'], proven), 0, proven.err());
  t.match(proven.out(), `stage order: ${first} ran ${C} successfully on every host in deployment d-FIRST0002`);
  t.same(
    created(aws).map((c) => c.args[0].input.deploymentGroupName),
    [groupOf(second).deploymentGroupName, groupOf(second).deploymentGroupName],
  );
});

t.test(`deploy to ${first}, the first stage, has no stage before it to check`, async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FIRST0003' });
  const deps = testDeps();
  t.equal(await runRelease(['deploy', '--stage', first, '--version', C, '--no-watch'], deps), 0, deps.err());
  t.notMatch(deps.out(), 'stage order');
  t.same(
    aws.codeDeploy.commandCalls(GetDeploymentGroupCommand).map((c) => c.args[0].input),
    [groupOf(first)],
    'only its own group, for the alarm decision',
  );
});

t.test('the first deployment of a group overrides its alarms and says so; later ones keep them', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  neverDeployed(aws, first);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-NEWSTAGE1' });
  const deps = testDeps();
  t.equal(await runRelease(['deploy', '--stage', first, '--version', C, '--no-watch'], deps), 0, deps.err());
  t.same(created(aws)[0]?.args[0].input.overrideAlarmConfiguration, { enabled: false });
  const { applicationName, deploymentGroupName } = groupOf(first);
  t.match(
    deps.out(),
    `alarms of ${applicationName}/${deploymentGroupName} are overridden for this first deployment: the group never had a successful one`,
  );
  stageRan(aws, first, 'd-NEWSTAGE1', releaseAt(C, 'v7'));
  const again = testDeps();
  t.equal(await runRelease(['deploy', '--stage', first, '--version', C, '--no-watch'], again), 0, again.err());
  t.equal(created(aws)[1]?.args[0].input.overrideAlarmConfiguration, undefined);
  t.notMatch(again.out(), 'overridden');
});

t.test('--ancestors: behind and equal deploy, ahead and sideways are refused unless --allow-older', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  published(aws);
  aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-ANCESTRY1' });
  const files = { '/work/ancestors.txt': `${C}\n${B}\n${A}\n` };
  const argv = ['deploy', '--stage', first, '--version', C, '--ancestors', 'ancestors.txt', '--no-watch'];
  const cases: [string, string, number, string][] = [
    ['behind', B, 0, `ancestry: ${first} runs ${B}, an ancestor of ${C} (deployment d-RUNNING01)`],
    ['equal', C, 0, `ancestry: ${first} runs ${C} itself (deployment d-RUNNING01)`],
    ['ahead', D, 1, `refusing to deploy ${C} to ${first}: ${first} runs s3://`],
    ['sideways', X, 1, 'which is neither'],
  ];
  for (const [name, runs, code, message] of cases) {
    stageRan(aws, first, 'd-RUNNING01', releaseAt(runs, 'v1'));
    const deps = testDeps({ files });
    t.equal(await runRelease(argv, deps), code, `${name}: ${deps.err()}`);
    t.match(code === 0 ? deps.out() : deps.err(), message, name);
    if (code !== 0)
      t.match(
        deps.err(),
        `so deploying it would move ${first} backwards or sideways. For a deliberate rollback or redeploy, pass --allow-older`,
      );
  }
  t.equal(created(aws).length, 2, 'only behind and equal deployed');
  const older = testDeps({ files });
  t.equal(await runRelease([...argv, '--allow-older'], older), 0, older.err());
  t.match(older.out(), `which is neither ${C} nor one of its ancestors; allowed by --allow-older`);
  neverDeployed(aws, first);
  const fresh = testDeps({ files });
  t.equal(await runRelease(argv, fresh), 0, fresh.err());
  t.match(fresh.out(), `ancestry: ${first} has no successful deployment yet; nothing to compare ${C} with`);
});

t.test('a bad --ancestors file is a usage error naming the problem, before any AWS call', async (t) => {
  const aws = mockAws();
  t.teardown(aws.restore);
  const cases: [string, string | undefined, string][] = [
    [
      'missing',
      undefined,
      '--ancestors /tmp/list.txt: cannot read it (ENOENT /tmp/list.txt); pass the output of `git rev-list',
    ],
    ['empty', '\n\n', '--ancestors /tmp/list.txt is empty; pass the output of'],
    [
      'not shas',
      `${C}\nmain\n`,
      '--ancestors /tmp/list.txt: line 2 "main" is not a full git commit sha (40 or 64 lowercase hex digits)',
    ],
    [
      'another version first',
      `${B}\n${A}\n`,
      `--ancestors /tmp/list.txt starts with ${B}, not the version being deployed ${C}`,
    ],
  ];
  for (const [name, content, message] of cases) {
    const deps = testDeps({ files: content === undefined ? {} : { '/tmp/list.txt': content } });
    t.equal(
      await runRelease(['deploy', '--stage', first, '--version', C, '--ancestors', '/tmp/list.txt'], deps),
      2,
      name,
    );
    t.match(deps.err(), message, name);
  }
  t.equal(aws.sts.calls().length, 0);
});
