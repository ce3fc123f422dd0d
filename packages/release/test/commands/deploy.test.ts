import {
  CreateDeploymentCommand,
  DeploymentLimitExceededException,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  GetDeploymentGroupCommand,
  BatchGetDeploymentsCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import { HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { artifactBucketName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { host, scriptDeployment } from '../deployment-fixtures.ts';
import { awsError, mockAws, testDeps, ESTABLISHED_GROUP } from '../release-test-deps.ts';
import { stageOrder } from '../../src/stage-order.ts';
import { groupOf, neverDeployed, releaseAt, stageRan } from '../stage-fixtures.ts';

t.test('commands/deploy.ts', async (t) => {
  const bucket = artifactBucketName(project);
  const argv = ['deploy', '--stage', 'staging', '--version', 'abc123'];

  function published(aws: ReturnType<typeof mockAws>): void {
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7', ETag: '"etag7"', Metadata: { sha256: 'aa' } });
  }

  t.test('deploys exactly the current object version and ETag, then watches it succeed', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-OK0000001' });
    scriptDeployment(aws.codeDeploy, 'd-OK0000001', [
      { status: 'InProgress', hosts: [host('i-a', 'InProgress', 2, 'InProgress'), host('i-b', 'Pending', 0)] },
      { status: 'Succeeded', hosts: [host('i-a', 'Succeeded', 7), host('i-b', 'Succeeded', 7)] },
    ]);
    const deps = testDeps({
      env: {
        GITHUB_OUTPUT: '/gh/output',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_RUN_ID: '42',
      },
    });
    t.equal(await runRelease(argv, deps), 0);
    const [create] = aws.codeDeploy.commandCalls(CreateDeploymentCommand);
    t.same(create?.args[0].input.revision, {
      revisionType: 'S3',
      s3Location: { bucket, key: 'releases/abc123.zip', bundleType: 'zip', version: 'v7', eTag: 'etag7' },
    });
    t.match(create?.args[0].input, { applicationName: 'hello-staging', deploymentGroupName: 'staging' });
    t.match(
      create?.args[0].input.description,
      'release abc123 by hello-github-deploy-staging/GitHubActions from https://github.com/o/r/actions/runs/42',
    );
    t.match(deps.out(), 'started deployment d-OK0000001 of s3://');
    t.match(
      deps.out(),
      `https://${project.aws.region}.console.aws.amazon.com/codesuite/codedeploy/deployments/d-OK0000001?region=${project.aws.region}`,
    );
    // The model of how long CodeDeploy should take, before the watch starts.
    t.match(
      deps.out(),
      /\n {2}expected: [\d.]+ s per host \([\d.]+ s draining, [\d.]+ s hooks, [\d.]+ s health checks\); /,
    );
    t.match(deps.out(), 'deployment d-OK0000001 succeeded on 2 host(s)');
    t.equal(deps.files.get('/gh/output'), 'deployment-id=d-OK0000001\n');
  });

  t.test('--no-watch returns after creating the deployment', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-NOWATCH01' });
    const deps = testDeps();
    t.equal(await runRelease([...argv, '--no-watch'], deps), 0);
    t.equal(aws.codeDeploy.commandCalls(GetDeploymentCommand).length, 0);
    t.match(deps.out(), 'd-NOWATCH01');
  });

  t.test('a failed deployment names the host, event, error code and the log tail; exit 1', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAIL00001' });
    const diagnostics = {
      errorCode: 'ScriptFailed' as const,
      scriptName: 'hooks/validate-service.sh',
      message: 'Script at specified location: hooks/validate-service.sh run as user root failed with exit code 1',
      logTail: '[stdout]waiting for /healthz\n[stderr]version dev != abc123\n',
    };
    scriptDeployment(aws.codeDeploy, 'd-FAIL00001', [
      {
        status: 'Failed',
        error: { code: 'SCRIPT_FAILED', message: 'one or more lifecycle events failed' },
        hosts: [host('i-a', 'Failed', 6, 'Failed', diagnostics), host('i-b', 'Succeeded', 7)],
      },
    ]);
    const deps = testDeps();
    t.equal(await runRelease(argv, deps), 1);
    const err = deps.err();
    t.match(err, 'deployment d-FAIL00001 Failed: SCRIPT_FAILED: one or more lifecycle events failed');
    t.match(
      err,
      'host i-a failed at ValidateService: ScriptFailed (hooks/validate-service.sh): Script at specified location',
    );
    t.match(err, '    [stderr]version dev != abc123');
    t.notMatch(err, 'host i-b failed');
  });

  t.test('a stopped deployment is a failure too', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-STOP00001' });
    scriptDeployment(aws.codeDeploy, 'd-STOP00001', [
      {
        status: 'Stopped',
        error: { code: 'MANUAL_STOP', message: 'stopped by a user' },
        hosts: [host('i-a', 'Skipped', 3)],
      },
    ]);
    const deps = testDeps();
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), 'deployment d-STOP00001 Stopped: MANUAL_STOP: stopped by a user');
    t.match(deps.err(), 'host i-a ended Skipped at Install (Pending) without a failed lifecycle event');
    t.notMatch(deps.err(), 'no host reported a failed lifecycle event');
  });

  t.test('watching is bounded: a deployment still running after --timeout exits 3', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOW00001' });
    scriptDeployment(aws.codeDeploy, 'd-SLOW00001', [
      { status: 'InProgress', hosts: [host('i-a', 'InProgress', 1, 'InProgress')] },
    ]);
    const deps = testDeps();
    t.equal(await runRelease([...argv, '--timeout', '2m'], deps), 3);
    t.match(deps.err(), 'timed out after 2m: deployment d-SLOW00001 is still InProgress');
    t.match(deps.err(), 'pnpm release watch d-SLOW00001');
    // Backoff: the interval grows while nothing changes, and the wait never passes the deadline.
    t.ok(
      deps.sleeps.length >= 3 && (deps.sleeps[2] ?? 0) > (deps.sleeps[1] ?? 0),
      `intervals grow: ${deps.sleeps.join(',')}`,
    );
    t.equal(
      deps.sleeps.reduce((a, b) => a + b, 0),
      120_000,
    );
  });

  t.test('a deployment already in progress is waited for, then ours starts', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy
      .on(CreateDeploymentCommand)
      .rejectsOnce(
        new DeploymentLimitExceededException({
          message: 'The deployment group staging has an active deployment',
          $metadata: {},
        }),
      )
      .resolves({ deploymentId: 'd-AFTER0001' });
    aws.codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-BUSY00001'] });
    aws.codeDeploy
      .on(GetDeploymentCommand, { deploymentId: 'd-BUSY00001' })
      .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
      .resolves({ deploymentInfo: { status: 'Succeeded' } });
    const deps = testDeps();
    t.equal(await runRelease([...argv, '--no-watch'], deps), 0);
    t.match(deps.err(), 'deployment d-BUSY00001 is already in progress on hello-staging/staging; waiting up to 20m');
    t.match(aws.codeDeploy.commandCalls(ListDeploymentsCommand)[0]?.args[0].input, {
      applicationName: 'hello-staging',
      deploymentGroupName: 'staging',
      includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'],
    });
    t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 2);
    t.match(deps.out(), 'started deployment d-AFTER0001');
  });

  t.test('waiting for a busy group is bounded too', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy
      .on(CreateDeploymentCommand)
      .rejects(new DeploymentLimitExceededException({ message: 'busy', $metadata: {} }));
    aws.codeDeploy
      .on(ListDeploymentsCommand)
      .resolvesOnce({ deployments: ['d-BUSY00002'] })
      .resolvesOnce({ deployments: ['d-BUSY00002'] })
      .resolves({});
    aws.codeDeploy.on(GetDeploymentCommand).resolves({});
    const deps = testDeps();
    t.equal(await runRelease([...argv, '--busy-timeout', '1m'], deps), 3);
    t.match(deps.err(), 'a deployment (d-BUSY00002) is still in progress on hello-staging/staging after waiting 60s');
    const unnamed = testDeps();
    t.equal(await runRelease([...argv, '--busy-timeout', '1m'], unnamed), 3);
    t.match(unnamed.err(), 'a deployment is still in progress on hello-staging/staging');
  });

  t.test('a busy group whose deployment already ended is retried after a pause', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy
      .on(CreateDeploymentCommand)
      .rejectsOnce(new DeploymentLimitExceededException({ message: 'busy', $metadata: {} }))
      .resolves({ deploymentId: 'd-RETRY0001' });
    aws.codeDeploy.on(ListDeploymentsCommand).resolves({});
    const deps = testDeps();
    t.equal(await runRelease([...argv, '--no-watch'], deps), 0);
    t.equal(deps.sleeps.length, 1);
    t.notMatch(deps.err(), 'already in progress');
  });

  t.test('CodeDeploy errors name the stack to deploy or the denied action', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    aws.codeDeploy
      .on(CreateDeploymentCommand)
      .rejectsOnce(awsError('DeploymentGroupDoesNotExistException'))
      .rejectsOnce(awsError('AccessDeniedException', 400))
      .resolves({});
    const missing = testDeps();
    t.equal(await runRelease(argv, missing), 1);
    t.match(
      missing.err(),
      'hello-staging/staging does not exist: deploy the stack hello-staging first (pnpm infra:deploy hello-staging)',
    );
    const denied = testDeps();
    t.equal(await runRelease(argv, denied), 1);
    t.match(denied.err(), 'access denied: role hello-github-deploy-staging');
    t.match(denied.err(), 'may not codedeploy:CreateDeployment on hello-staging/staging');
    const empty = testDeps();
    t.equal(await runRelease(argv, empty), 1);
    t.match(empty.err(), 'returned no deployment id');
  });

  t.test('an unpublished or unversioned release is refused before CodeDeploy is called', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).rejectsOnce(awsError('NotFound', 404)).resolves({ ETag: '"e"' });
    const missing = testDeps();
    t.equal(await runRelease(argv, missing), 1);
    t.match(missing.err(), 'release abc123 is not published in s3://');
    t.match(missing.err(), 'pnpm release publish --version abc123 --file <zip>');
    const unversioned = testDeps();
    t.equal(await runRelease(argv, unversioned), 1);
    t.match(unversioned.err(), 'has no object version id');
    t.equal(aws.codeDeploy.calls().length, 0);
  });

  t.test('an unknown stage lists the configured ones', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['deploy', '--stage', 'production', '--version', 'abc'], deps), 2);
    t.match(deps.err(), '--stage "production" is not a configured stage; the stages are: staging, prod');
    t.equal(await runRelease([...argv, '--timeout', 'soon'], deps), 2);
  });
});

// The release rules of `deploy`: every host must succeed, stages in order, never backwards by
// accident (--ancestors), the first deployment of a group is not stopped by its alarms.
t.test('deploy rules', async (t) => {
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
});

t.test('commands/redeploy.ts', async (t) => {
  const running = {
    bucket: 'hello-artifacts-210987654321-eu-central-1',
    key: 'releases/4f1c0de.zip',
    bundleType: 'zip' as const,
    version: 'obj-4f1c0de',
    eTag: 'etag-4f1c0de',
  };

  t.test('deploys the S3 object version the stage runs, byte for byte, as a new deployment', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.codeDeploy
      .on(GetDeploymentCommand, {
        deploymentId: ESTABLISHED_GROUP.deploymentGroupInfo.lastSuccessfulDeployment.deploymentId,
      })
      .resolves({ deploymentInfo: { status: 'Succeeded', revision: { revisionType: 'S3', s3Location: running } } });
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-REDEPLOY1' });
    const deps = testDeps();
    t.equal(await runRelease(['redeploy', '--stage', 'prod', '--no-watch'], deps), 0, deps.err());
    const [create] = aws.codeDeploy.commandCalls(CreateDeploymentCommand);
    t.same(create?.args[0].input.revision, { revisionType: 'S3', s3Location: running });
    t.match(create?.args[0].input, { applicationName: 'hello-prod', deploymentGroupName: 'prod' });
    t.equal(create?.args[0].input.overrideAlarmConfiguration, undefined, "the group's alarms apply as to any deploy");
    t.match(
      create?.args[0].input.description,
      /^redeploy of s3:\/\/hello-artifacts-.*releases\/4f1c0de\.zip \(object version obj-4f1c0de\) from d-EARLIER01 by /,
    );
    t.match(
      deps.out(),
      "prod runs s3://hello-artifacts-210987654321-eu-central-1/releases/4f1c0de.zip (object version obj-4f1c0de) (deployment d-EARLIER01); deploying it again so every host reads prod's settings and secrets\nstarted deployment d-REDEPLOY1",
    );
  });

  t.test('refuses a stage that never ran a release, and creates nothing', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.codeDeploy.on(GetDeploymentGroupCommand).resolves({ deploymentGroupInfo: {} });
    const none = testDeps();
    t.equal(await runRelease(['redeploy', '--stage', 'staging'], none), 1);
    t.match(
      none.err(),
      'nothing to redeploy: staging has no successful deployment of a release in S3 yet; deploy one with `pnpm release deploy --stage staging --version <sha>`',
    );
    // A group whose last success was not an S3 revision (e.g. deployed from GitHub by hand).
    aws.codeDeploy.on(GetDeploymentGroupCommand).resolves(ESTABLISHED_GROUP);
    aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
    const notS3 = testDeps();
    t.equal(await runRelease(['redeploy', '--stage', 'staging'], notS3), 1);
    t.match(notS3.err(), 'nothing to redeploy');
    t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 0);
    t.match(await runReleaseErr(['redeploy']), '--stage <stage> is required');
  });

  async function runReleaseErr(argv: string[]): Promise<string> {
    const deps = testDeps();
    await runRelease(argv, deps);
    return deps.err();
  }
});

t.test('commands/rollback.ts', async (t) => {
  const loc = (version: string) => ({
    bucket: 'b',
    key: `releases/${version}.zip`,
    bundleType: 'zip' as const,
    version: `obj-${version}`,
  });
  const info = (id: string, version: string | undefined, minute: number): DeploymentInfo => ({
    deploymentId: id,
    status: 'Succeeded' as const,
    createTime: new Date(Date.UTC(2026, 10, 26, 10, minute)),
    revision: version === undefined ? undefined : { revisionType: 'S3' as const, s3Location: loc(version) },
  });

  /** The group's successful deployments, listed in two pages (to follow the paginator's nextToken). */
  function history(aws: ReturnType<typeof mockAws>, all: DeploymentInfo[]): void {
    aws.codeDeploy.on(ListDeploymentsCommand).callsFake((input: { nextToken?: string }) => {
      const ids = all.map((d) => d.deploymentId as string);
      return input.nextToken === undefined
        ? { deployments: ids.slice(0, 1), nextToken: 'p2' }
        : { deployments: ids.slice(1) };
    });
    aws.codeDeploy.on(BatchGetDeploymentsCommand).callsFake((input: { deploymentIds: string[] }) => ({
      deploymentsInfo: all.filter((d) => input.deploymentIds.includes(d.deploymentId as string)),
    }));
  }

  const rolledBackTo = (aws: ReturnType<typeof mockAws>) =>
    aws.codeDeploy.commandCalls(CreateDeploymentCommand).map((c) => c.args[0].input.revision?.s3Location?.key);

  t.test('goes back one release per call: a second rollback goes further back, never forward', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    // a1, b2, c3 deployed in that order (listed out of order; one of them twice in a row, one not in S3).
    const all = [
      info('d-C3', 'c3', 30),
      info('d-A1', 'a1', 1),
      info('d-B2', 'b2', 10),
      info('d-B2AGAIN', 'b2', 12),
      info('d-GITHUB', undefined, 25),
    ];
    history(aws, all);
    aws.codeDeploy
      .on(CreateDeploymentCommand)
      .resolvesOnce({ deploymentId: 'd-ROLLBACK1' })
      .resolves({ deploymentId: 'd-ROLLBACK2' });
    const first = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'staging', '--no-watch'], first), 0, first.err());
    t.match(
      first.out(),
      'staging runs s3://b/releases/c3.zip (object version obj-c3) (deployment d-C3); rolling back one release to s3://b/releases/b2.zip (object version obj-b2) from deployment d-B2AGAIN',
    );
    // The first rollback succeeded: the stage now runs b2 again.
    all.push(info('d-ROLLBACK1', 'b2', 40));
    const second = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'staging', '--no-watch'], second), 0, second.err());
    t.match(
      second.out(),
      'staging runs s3://b/releases/b2.zip (object version obj-b2) (deployment d-ROLLBACK1); rolling back one release to s3://b/releases/a1.zip',
    );
    t.same(
      rolledBackTo(aws),
      ['releases/b2.zip', 'releases/a1.zip'],
      'c3 was rolled away from: the second rollback does not return to it',
    );
    all.push(info('d-ROLLBACK2', 'a1', 50));
    const third = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'staging', '--no-watch'], third), 1);
    t.match(
      third.err(),
      'nothing to roll back to: staging runs s3://b/releases/a1.zip (object version obj-a1) (deployment d-ROLLBACK2) and has no earlier release that was not rolled away from',
    );
    t.equal(rolledBackTo(aws).length, 2);
    t.match(aws.codeDeploy.commandCalls(ListDeploymentsCommand)[0]?.args[0].input, {
      applicationName: 'hello-staging',
      deploymentGroupName: 'staging',
      includeOnlyStatuses: ['Succeeded'],
    });
  });

  t.test('a rollback always overrides the group alarms, and says so', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    history(aws, [info('d-A1', 'a1', 1), info('d-B2', 'b2', 10)]);
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-ROLLBACK1' });
    const deps = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'prod', '--no-watch'], deps), 0, deps.err());
    const [create] = aws.codeDeploy.commandCalls(CreateDeploymentCommand);
    t.same(create?.args[0].input.overrideAlarmConfiguration, { enabled: false });
    t.match(create?.args[0].input, {
      applicationName: 'hello-prod',
      deploymentGroupName: 'prod',
      revision: { s3Location: loc('a1') },
    });
    t.match(
      deps.out(),
      "alarms of hello-prod/prod are overridden for this rollback: an incident's rollback is not blocked by the alarm it fixes",
    );
  });

  t.test('a redeploy of an older release counts as going back to it', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    // a1, b2, c3, then a1 again (deploy --allow-older): b2 and c3 were rolled away from.
    history(aws, [
      info('d-A1', 'a1', 1),
      info('d-B2', 'b2', 10),
      info('d-C3', 'c3', 20),
      info('d-A1AGAIN', 'a1', 30),
      info('d-D4', 'd4', 40),
    ]);
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-ROLLBACK1' });
    const deps = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'prod', '--no-watch'], deps), 0, deps.err());
    t.same(rolledBackTo(aws), ['releases/a1.zip']);
  });

  t.test('refuses when there is nothing earlier, or nothing at all', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    history(aws, [info('d-ONLY', 'c3', 30), info('d-ONLY2', 'c3', 31)]);
    const only = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'prod'], only), 1);
    t.match(
      only.err(),
      'nothing to roll back to: prod runs s3://b/releases/c3.zip (object version obj-c3) (deployment d-ONLY2)',
    );
    aws.codeDeploy.reset();
    history(aws, [info('d-GITHUB', undefined, 1)]);
    const none = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'prod'], none), 1);
    t.match(none.err(), 'nothing to roll back: prod has no successful deployment of a release in S3');
    t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 0);
  });

  t.test('sparse answers and listing errors are handled', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.codeDeploy
      .on(ListDeploymentsCommand)
      .resolvesOnce({})
      .resolvesOnce({ deployments: ['d-1'] })
      .rejects(awsError('ThrottlingException', 400));
    aws.codeDeploy.on(BatchGetDeploymentsCommand).resolves({});
    const sparse = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'prod'], sparse), 1);
    t.match(sparse.err(), 'nothing to roll back: prod has no successful deployment');
    const noInfo = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'prod'], noInfo), 1);
    t.match(noInfo.err(), 'nothing to roll back: prod has no successful deployment');
    const throttled = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'prod'], throttled), 1);
    t.match(
      throttled.err(),
      'AWS throttled codedeploy:ListDeployments on hello-prod/prod 1 time(s) despite retries with backoff',
    );
  });

  t.test('looks through at most 100 earlier deployments, 25 per batch', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const many = Array.from({ length: 130 }, (_, i) => ({
      ...info(`d-${String(i).padStart(9, '0')}`, 'c3', 0),
      createTime: i === 0 ? undefined : new Date(i * 1000),
    }));
    aws.codeDeploy.on(ListDeploymentsCommand).callsFake((input: { nextToken?: string }) => {
      const at = Number(input.nextToken ?? 0);
      return {
        deployments: many.slice(at, at + 50).map((d) => d.deploymentId),
        nextToken: at + 50 < many.length ? String(at + 50) : undefined,
      };
    });
    aws.codeDeploy.on(BatchGetDeploymentsCommand).callsFake((input: { deploymentIds: string[] }) => ({
      deploymentsInfo: many.filter((d) => input.deploymentIds.includes(d.deploymentId as string)),
    }));
    const deps = testDeps();
    t.equal(await runRelease(['rollback', '--stage', 'staging'], deps), 1);
    t.equal(aws.codeDeploy.commandCalls(ListDeploymentsCommand).length, 2);
    t.same(
      aws.codeDeploy.commandCalls(BatchGetDeploymentsCommand).map((c) => c.args[0].input.deploymentIds?.length),
      [25, 25, 25, 25],
    );
  });
});

t.test('commands/promote.ts', async (t) => {
  const [from, to] = stageOrder() as [ReturnType<typeof stageOrder>[number], ReturnType<typeof stageOrder>[number]];
  const ran = releaseAt('abc123', 'v7');
  const argv = ['promote', '--version', 'abc123', '--from', from, '--to', to, '--no-watch'];
  const created = (aws: ReturnType<typeof mockAws>) => aws.codeDeploy.commandCalls(CreateDeploymentCommand);

  t.test(`deploys to ${to} exactly the object version ${from} last ran on every host`, async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-STAGING01', ran);
    aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7', ETag: '"etag-v7"' });
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PROD00001' });
    const deps = testDeps();
    t.equal(await runRelease(argv, deps), 0, deps.err());
    const [create] = created(aws);
    t.same(create?.args[0].input.revision, { revisionType: 'S3', s3Location: ran });
    t.match(create?.args[0].input, { ...groupOf(to), description: new RegExp(`^promote abc123 from ${from} by `) });
    t.equal(create?.args[0].input.overrideAlarmConfiguration, undefined, 'an established group keeps its alarms');
    t.match(deps.out(), `${from} last succeeded on every host with s3://`);
    t.match(deps.out(), 'started deployment d-PROD00001');
  });

  t.test('--from staging --to prod are the defaults; a missing bundle type means zip', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, 'staging', 'd-STAGING01', { ...ran, bundleType: undefined });
    aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PROD00002' });
    const deps = testDeps();
    t.equal(await runRelease(['promote', '--version', 'abc123', '--no-watch'], deps), 0, deps.err());
    t.match(created(aws)[0]?.args[0].input, {
      deploymentGroupName: 'prod',
      revision: { s3Location: { bundleType: 'zip' } },
    });
  });

  t.test(`refuses when one host failed in ${from}, although CodeDeploy called the deployment Succeeded`, async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-PARTIAL01', ran, {
      hosts: [host('i-0aaa', 'Succeeded', 7), host('i-0bbb', 'Failed', 6, 'Failed')],
    });
    aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
    for (const extra of [[], ['--check']]) {
      const deps = testDeps();
      t.equal(await runRelease([...argv, ...extra], deps), 1);
      t.match(
        deps.err(),
        `refusing to promote abc123 to ${to}: ${from}'s deployment d-PARTIAL01 of abc123 did not succeed on every host (i-0bbb Failed)`,
      );
      t.notMatch(deps.err(), 'i-0aaa');
    }
    t.equal(created(aws).length, 0);
  });

  t.test('refuses a deployment in which no host took part', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-NOHOSTS01', ran, { hosts: [] });
    const deps = testDeps();
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), 'did not succeed on every host (no host took part)');
  });

  t.test(`refuses when ${from} attempted another deployment after its last successful one`, async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-STAGING01', ran, { lastAttempted: { deploymentId: 'd-LATER0001', status: 'Failed' } });
    const deps = testDeps();
    t.equal(await runRelease(argv, deps), 1);
    t.match(
      deps.err(),
      `${from}'s last deployment d-LATER0001 is Failed, after its last successful one d-STAGING01; its hosts may run something else`,
    );
    stageRan(aws, from, 'd-STAGING01', ran, { lastAttempted: { deploymentId: 'd-LATER0002' } });
    const unknown = testDeps();
    t.equal(await runRelease(argv, unknown), 1);
    t.match(unknown.err(), `${from}'s last deployment d-LATER0002 is Unknown`);
    t.equal(created(aws).length, 0);
  });

  t.test('--check verifies, prints what it checked and deploys nothing', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-STAGING01', ran);
    aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
    const deps = testDeps();
    t.equal(
      await runRelease(['promote', '--version', 'abc123', '--from', from, '--to', to, '--check'], deps),
      0,
      deps.err(),
    );
    const out = deps.out();
    t.match(out, `checked abc123 for promotion from ${from} to ${to}:`);
    t.match(out, `✓ ${from}'s last deployment d-STAGING01 is its last successful one`);
    t.match(out, `✓ it ran s3://${ran.bucket}/${ran.key} (object version v7), release abc123`);
    t.match(out, '✓ it succeeded on every host: i-0aaa, i-0bbb');
    t.match(out, `✓ S3 still holds object version v7 of s3://${ran.bucket}/${ran.key}`);
    t.match(out, 'Nothing was deployed (--check).');
    t.equal(created(aws).length, 0);
  });

  t.test(`refuses when ${from} last ran another version`, async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-STAGING01', releaseAt('zzz999', 'v7'));
    const deps = testDeps();
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), `${from}'s last successful deployment d-STAGING01 ran s3://`);
    t.match(deps.err(), 'releases/zzz999.zip (object version v7), not s3://');
    t.equal(created(aws).length, 0);
  });

  t.test('refuses a revision without an object version or outside S3', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-STAGING01', { ...ran, version: undefined });
    const deps = testDeps();
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), '(object version none)');
    stageRan(aws, from, 'd-STAGING01', undefined);
    const github = testDeps();
    t.equal(await runRelease(argv, github), 1);
    t.match(github.err(), 'ran a revision that is not in S3');
  });

  t.test(`refuses when the object was replaced since ${from} ran it`, async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-STAGING01', ran);
    aws.s3.on(HeadObjectCommand).resolvesOnce({ VersionId: 'v8' }).rejects(awsError('NotFound', 404));
    const replaced = testDeps();
    t.equal(await runRelease(argv, replaced), 1);
    t.match(replaced.err(), `${from} ran object version v7 of s3://`);
    t.match(replaced.err(), 'but S3 now holds v8');
    const deleted = testDeps();
    t.equal(await runRelease(argv, deleted), 1);
    t.match(deleted.err(), 'but S3 now holds no such object');
    t.equal(created(aws).length, 0);
  });

  t.test(`refuses when ${from} never succeeded, or its group is missing`, async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    neverDeployed(aws, from);
    const never = testDeps();
    t.equal(await runRelease(argv, never), 1);
    t.match(never.err(), `${from} has no successful deployment yet`);
    aws.codeDeploy.on(GetDeploymentGroupCommand, groupOf(from)).resolves({});
    const sparse = testDeps();
    t.equal(await runRelease(argv, sparse), 1);
    t.match(sparse.err(), `${from} has no successful deployment yet`, 'a sparse answer is a group without history');
    aws.codeDeploy.on(GetDeploymentGroupCommand).rejects(awsError('DeploymentGroupDoesNotExistException'));
    const missing = testDeps();
    t.equal(await runRelease(argv, missing), 1);
    t.match(missing.err(), `deploy the stack ${groupOf(from).applicationName} first`);
  });

  t.test(`the first deployment of ${to} overrides its alarms and says so`, async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    stageRan(aws, from, 'd-STAGING01', ran);
    neverDeployed(aws, to);
    aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-PROD00003' });
    const deps = testDeps();
    t.equal(await runRelease(argv, deps), 0, deps.err());
    t.same(created(aws)[0]?.args[0].input.overrideAlarmConfiguration, { enabled: false });
    t.match(
      deps.out(),
      `alarms of ${groupOf(to).applicationName}/${groupOf(to).deploymentGroupName} are overridden for this first deployment`,
    );
  });

  t.test('stages move forward one at a time in the configured order; unknown stages are usage errors', async (t) => {
    const backwards = testDeps();
    t.equal(await runRelease(['promote', '--version', 'a', '--from', to, '--to', from], backwards), 2);
    t.match(
      backwards.err(),
      `promote: ${from} is not the stage after ${to}; releases move forward one stage at a time in the configured order: ${stageOrder().join(' → ')}`,
    );
    const same = testDeps();
    t.equal(await runRelease(['promote', '--version', 'a', '--from', to, '--to', to], same), 2);
    t.match(same.err(), `--from and --to are both ${to}`);
    const unknown = testDeps();
    t.equal(await runRelease(['promote', '--version', 'a', '--to', 'qa'], unknown), 2);
    t.match(unknown.err(), '--to "qa" is not a configured stage; the stages are: staging, prod');
  });
});
