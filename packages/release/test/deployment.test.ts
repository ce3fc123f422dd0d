import t, { type Test } from 'tap';
import { HEALTH_CHECK, LOCAL_CERTIFICATE } from '@hello/config/constants';
import { project } from '@hello/config/project';
import {
  REHEARSED_HOOK_SECONDS,
  expectedDeployTime,
  formatSeconds,
  modelDeployTime,
  type DeployTimeInputs,
} from '../src/deploy-time-model.ts';
import {
  BatchGetDeploymentTargetsCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
  BatchGetDeploymentsCommand,
  ListDeploymentsCommand,
  CreateDeploymentCommand,
  GetDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { openSession } from '../src/aws-session.ts';
import { readDeployment } from '../src/read-deployment.ts';
import { mockAws, testDeps, awsError, CALLER_ARN } from './release-test-deps.ts';
import {
  describeLocation,
  releaseStack,
  sameObject,
  successfulHistory,
  type S3Deployment,
} from '../src/successful-revisions.ts';
import { HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { artifactBucketName, releaseKey } from '@hello/config/naming';
import { runRelease, COMMANDS, mainHelp } from '../src/run-release.ts';
import { stageOrder } from '../src/stage-order.ts';
import { host } from './deployment-fixtures.ts';
import { groupOf, neverDeployed, releaseAt, stageRan, stageBoots } from './stage-fixtures.ts';
import type * as MachineImageProof from '../src/machine-image-proof.ts';
import { proveStageRunsPinnedImage } from '../src/machine-image-proof.ts';
import { readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReleaseDeps, outputMode } from '../src/release-deps.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpGetTrusting } from '../src/http-get.ts';
import { localHttps, serviceAt } from './local-https.ts';
import { tmpdir } from 'node:os';
import { findLocalCertificate, isLoopbackUrl } from '../src/local-certificate.ts';

// The deploy-time model: draining, hooks and health checks per host, rounds from the deployment config.
t.test('deploy-time-model.ts', async (t) => {
  const inputs: DeployTimeInputs = {
    deregistrationDelaySeconds: 30,
    healthCheck: { intervalSeconds: 10, healthyThreshold: 2 },
    hookSeconds: 2.5,
    deploymentConfig: 'CodeDeployDefault.OneAtATime',
    hosts: 2,
  };

  t.test('a host costs its draining, its hooks and the health checks that put it back', async (t) => {
    const m = modelDeployTime(inputs);
    t.same([m.drainingSeconds, m.hookSeconds, m.healthCheckSeconds, m.perHostSeconds], [30, 2.5, 20, 52.5]);
    // Shorter draining is the biggest lever: it is most of a host's time.
    t.equal(modelDeployTime({ ...inputs, deregistrationDelaySeconds: 10 }).perHostSeconds, 32.5);
  });

  t.test('rounds follow the deployment config', async (t) => {
    const rounds = (deploymentConfig: DeployTimeInputs['deploymentConfig'], hosts: number) => {
      const m = modelDeployTime({ ...inputs, deploymentConfig, hosts });
      return [m.hostsPerRound, m.rounds, m.totalSeconds];
    };
    t.same(rounds('CodeDeployDefault.OneAtATime', 2), [1, 2, 105]);
    t.same(rounds('CodeDeployDefault.OneAtATime', 3), [1, 3, 157.5]);
    t.same(rounds('CodeDeployDefault.AllAtOnce', 6), [6, 1, 52.5]);
    // Up to half of the hosts, rounded down, at least one.
    t.same(rounds('CodeDeployDefault.HalfAtATime', 5), [2, 3, 157.5]);
    t.same(rounds('CodeDeployDefault.HalfAtATime', 1), [1, 1, 52.5]);
    t.same(rounds('CodeDeployDefault.AllAtOnce', 0), [1, 1, 52.5], 'an empty group still counts one round');
  });

  t.test('durations read as a person says them', async (t) => {
    t.equal(formatSeconds(52.5), '52.5 s');
    t.equal(formatSeconds(105), '1 min 45 s');
    t.equal(formatSeconds(120), '2 min');
    t.equal(formatSeconds(59.96), '1 min');
  });

  t.test('release deploy prints the model of the stage at its minimum size', async (t) => {
    for (const stage of ['staging', 'prod'] as const) {
      const settings = project.stages[stage];
      const m = modelDeployTime({
        deregistrationDelaySeconds: settings.deregistrationDelaySeconds,
        healthCheck: HEALTH_CHECK,
        hookSeconds: REHEARSED_HOOK_SECONDS,
        deploymentConfig: settings.deploymentConfig,
        hosts: settings.capacity.min,
      });
      const line = expectedDeployTime(stage);
      t.match(line, `expected: ${formatSeconds(m.perHostSeconds)} per host (`, stage);
      t.match(line, `${settings.capacity.min} host(s) `, stage);
      t.match(line, `: ${formatSeconds(m.totalSeconds)} (${settings.deploymentConfig}; `, stage);
    }
    // The fixture's staging deploys all at once, prod one host at a time.
    t.match(expectedDeployTime('staging'), 'all at once');
    t.match(expectedDeployTime('staging'), 'more hosts take no longer');
    t.match(expectedDeployTime('prod'), '1 at a time, 2 rounds');
    t.match(expectedDeployTime('prod'), 'every 1 host(s) more add');
  });
});

t.test('read-deployment.ts', async (t) => {
  t.test('sparse answers become empty lists, never crashes', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const session = await openSession(testDeps());
    aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
    aws.codeDeploy
      .on(ListDeploymentTargetsCommand)
      .resolvesOnce({})
      .resolves({ targetIds: ['i-1'] });
    aws.codeDeploy
      .on(BatchGetDeploymentTargetsCommand)
      .resolvesOnce({})
      .resolves({ deploymentTargets: [{ instanceTarget: { targetId: 'i-1', status: 'Pending' } }] });
    t.same((await readDeployment(session, 'd-1')).hosts, []);
    t.same((await readDeployment(session, 'd-1')).hosts, []);
    t.same((await readDeployment(session, 'd-1')).hosts, [{ id: 'i-1', status: 'Pending', events: [] }]);
  });

  t.test('target listing follows nextToken and stops at a bound', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const session = await openSession(testDeps());
    aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
    aws.codeDeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [], nextToken: 'again' });
    await readDeployment(session, 'd-1');
    t.equal(aws.codeDeploy.commandCalls(ListDeploymentTargetsCommand).length, 100);
  });

  t.test('every target page is read and BatchGetDeploymentTargets gets at most 25 ids per call', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const session = await openSession(testDeps());
    const ids = Array.from({ length: 60 }, (_, i) => `i-${String(i).padStart(4, '0')}`);
    aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
    // ListDeploymentTargets has no SDK paginator: 20 ids per page, then nextToken.
    aws.codeDeploy.on(ListDeploymentTargetsCommand).callsFake((input: { nextToken?: string }) => {
      const at = Number(input.nextToken ?? 0);
      return { targetIds: ids.slice(at, at + 20), nextToken: at + 20 < ids.length ? String(at + 20) : undefined };
    });
    aws.codeDeploy.on(BatchGetDeploymentTargetsCommand).callsFake((input: { targetIds: string[] }) => ({
      deploymentTargets: input.targetIds.map((targetId) => ({ instanceTarget: { targetId, status: 'Succeeded' } })),
    }));
    const snapshot = await readDeployment(session, 'd-1');
    t.equal(snapshot.hosts.length, 60);
    t.equal(aws.codeDeploy.commandCalls(ListDeploymentTargetsCommand).length, 3);
    t.same(
      aws.codeDeploy.commandCalls(BatchGetDeploymentTargetsCommand).map((c) => c.args[0].input.targetIds?.length),
      [25, 25, 10],
    );
  });
});

t.test('successful-revisions.ts', async (t) => {
  t.test('object identity is bucket, key and object version', (t) => {
    const a = { bucket: 'b', key: 'k', version: 'v1' };
    t.equal(sameObject(a, { ...a }), true);
    t.equal(sameObject(a, { ...a, version: 'v2' }), false);
    t.equal(sameObject(a, undefined), false);
    t.equal(describeLocation({}), 's3://?/? (object version none)');
    t.end();
  });

  t.test('the release stack: new revisions go on top, a revision seen before drops what is above it', (t) => {
    const d = (id: string, version: string): S3Deployment => ({
      deploymentId: id,
      revision: { s3Location: { bucket: 'b', key: 'k', version } },
    });
    const ids = (history: S3Deployment[]) => releaseStack(history).map((x) => x.deploymentId);
    t.same(ids([]), []);
    t.same(ids([d('1', 'a'), d('2', 'b'), d('3', 'c')]), ['1', '2', '3']);
    t.same(ids([d('1', 'a'), d('2', 'b'), d('3', 'c'), d('4', 'b')]), ['1', '4'], 'a rollback to b drops c');
    t.same(ids([d('1', 'a'), d('2', 'a')]), ['2'], 'a redeploy of the same object replaces it');
    t.same(ids([d('1', 'a'), d('2', 'b'), d('3', 'a'), d('4', 'c')]), ['3', '4']);
    t.end();
  });

  t.test('a batch answer without deployments means no history', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-1'] });
    aws.codeDeploy.on(BatchGetDeploymentsCommand).resolves({});
    t.same(await successfulHistory(await openSession(testDeps()), 'staging'), []);
  });
});

// `deploy --check`: every refusal rule deploy applies, a line per check, exit 0/1, and no
// CreateDeployment nor any other write call. Names come from the fixture project.
t.test('deploy-checks.ts', async (t) => {
  type Aws = ReturnType<typeof mockAws>;
  type Stage = ReturnType<typeof stageOrder>[number];
  const [first, second] = stageOrder() as [Stage, Stage];
  const sha = (c: string) => c.repeat(40);
  const [A, B, C, D] = ['a', 'b', 'c', 'd'].map(sha) as [string, string, string, string];
  const bucket = artifactBucketName(project);
  const files = { '/work/ancestors.txt': `${C}\n${B}\n${A}\n` };
  const REFUSED = 'deploy would refuse (the error below). Nothing was deployed (--check).\n';

  function published(aws: Aws, objectVersion = 'v7'): void {
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).resolves({ VersionId: objectVersion, ETag: `"etag-${objectVersion}"` });
  }

  /** Every command any client received: --check may read (Get, List, BatchGet, Head), never write. */
  function writesSent(t: Test, aws: Aws): void {
    const sent = [aws.sts, aws.s3, aws.codeDeploy, aws.cloudFormation].flatMap((m) =>
      m.calls().map((c) => (c.args[0] as object).constructor.name),
    );
    t.ok(sent.length > 0, 'it did call AWS');
    t.same(
      sent.filter((name) => !/^(Get|List|BatchGet|Head|Describe)[A-Za-z]*Command$/.test(name)),
      [],
      `only reads: ${sent.join(', ')}`,
    );
    t.equal(aws.codeDeploy.commandCalls(CreateDeploymentCommand).length, 0, 'no CreateDeployment');
  }

  t.test(`deploy --check to ${first} with --ancestors: a line per check, exit 0, nothing deployed`, async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    stageRan(aws, first, 'd-RUNNING01', releaseAt(B, 'v1'));
    aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-MUSTNOT01' });
    const deps = testDeps({ files, env: { GITHUB_OUTPUT: '/gh/output' } });
    t.equal(
      await runRelease(['deploy', '--stage', first, '--version', C, '--ancestors', 'ancestors.txt', '--check'], deps),
      0,
      deps.err(),
    );
    t.equal(
      deps.out(),
      [
        `checked deploy of ${C} to ${first}:`,
        `  ✓ arguments: stage ${first}, version ${C}, --ancestors ancestors.txt lists 3 commit(s) starting with ${C}`,
        `  ✓ account: signed in as ${CALLER_ARN}, in the configured account`,
        `  ✓ published: s3://${bucket}/${releaseKey(C)} (object version v7) in the artifact bucket, ETag etag-v7`,
        `  ✓ stage order: ${first} is the first stage; no stage before it to have run ${C}`,
        `  ✓ ancestry: ${first} runs ${B}, an ancestor of ${C} (deployment d-RUNNING01)`,
        `deploy would proceed: ${first} would get s3://${bucket}/${releaseKey(C)} (object version v7). Nothing was deployed (--check).`,
        '',
      ].join('\n'),
    );
    t.equal(deps.err(), '');
    t.equal(deps.files.size, 0, 'no deployment-id output written');
    writesSent(t, aws);
  });

  t.test(
    `deploy --check to ${second} proves stage order and lists each proof; without --ancestors says so`,
    async (t) => {
      const aws = mockAws();
      t.teardown(aws.restore);
      published(aws);
      stageRan(aws, first, 'd-FIRST0001', releaseAt(C, 'v7'));
      const deps = testDeps();
      t.equal(await runRelease(['deploy', '--stage', second, '--version', C, '--check'], deps), 0, deps.err());
      const out = deps.out();
      t.match(out, `  ✓ stage order: ${first} ran ${C} successfully on every host in deployment d-FIRST0001\n`);
      t.match(out, `  ✓ stage order: it succeeded on every host: i-0aaa, i-0bbb\n`);
      t.match(out, `  ✓ stage order: S3 still holds object version v7 of s3://${bucket}/${releaseKey(C)}\n`);
      t.match(out, '  - ancestry: not checked (no --ancestors)\n');
      t.match(out, /Nothing was deployed \(--check\)\.\n$/);
      writesSent(t, aws);
    },
  );

  t.test(
    '--skip-stage-order and --allow-older are shown as not checked / allowed (and a missing ETag as none), still exit 0',
    async (t) => {
      const aws = mockAws();
      t.teardown(aws.restore);
      aws.s3.on(HeadBucketCommand).resolves({});
      aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v7' });
      stageRan(aws, first, 'd-FIRST0001', releaseAt(B, 'v7'));
      stageRan(aws, second, 'd-SECOND01', releaseAt(D, 'v3'));
      const argv = ['deploy', '--stage', second, '--version', C, '--ancestors', 'ancestors.txt', '--check'];
      const deps = testDeps({ files });
      t.equal(await runRelease([...argv, '--skip-stage-order', '--allow-older'], deps), 0, deps.err());
      t.match(
        deps.out(),
        `  ✓ published: s3://${bucket}/${releaseKey(C)} (object version v7) in the artifact bucket, ETag none\n`,
      );
      t.match(deps.out(), `  - stage order: not checking that ${C} succeeded in ${first} first (--skip-stage-order)\n`);
      t.match(
        deps.out(),
        `  ✓ ancestry: ${second} runs s3://${bucket}/${releaseKey(D)} (object version v3) (deployment d-SECOND01), which is neither ${C} nor one of its ancestors; allowed by --allow-older\n`,
      );
      writesSent(t, aws);
    },
  );

  t.test('each refusal: the checks that passed, the refusal on stderr, exit 1, nothing deployed', async (t) => {
    const cases: {
      name: string;
      stage: Stage;
      setup: (aws: Aws) => void;
      passed: string[];
      error: string;
      ancestors?: boolean;
    }[] = [
      {
        name: 'artifact bucket missing',
        stage: first,
        setup: (aws) => aws.s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404)),
        passed: ['arguments', 'account'],
        error: `error: the artifact bucket ${bucket} does not exist in account ${project.aws.account}: deploy the foundation stack first`,
      },
      {
        name: 'release not published',
        stage: first,
        setup: (aws) => {
          aws.s3.on(HeadBucketCommand).resolves({});
          aws.s3.on(HeadObjectCommand).rejects(awsError('NotFound', 404));
        },
        passed: ['arguments', 'account'],
        error: `error: release ${C} is not published in s3://${bucket}: run \`pnpm release publish --version ${C} --file <zip>\` first`,
      },
      {
        name: 'no object version',
        stage: first,
        setup: (aws) => {
          aws.s3.on(HeadBucketCommand).resolves({});
          aws.s3.on(HeadObjectCommand).resolves({ ETag: '"e"' });
        },
        passed: ['arguments', 'account'],
        error: `error: s3://${bucket}/${releaseKey(C)} has no object version id: the artifact bucket must be versioned`,
      },
      {
        name: `stage order: ${first} ran another version`,
        stage: second,
        setup: (aws) => {
          published(aws);
          stageRan(aws, first, 'd-FIRST0001', releaseAt(B, 'v7'));
        },
        passed: ['arguments', 'account', 'published'],
        error: `error: refusing to deploy ${C} to ${second} (pass --skip-stage-order to deploy it anyway): ${first}'s last successful deployment d-FIRST0001 ran s3://${bucket}/${releaseKey(B)}`,
      },
      {
        name: `stage order: a host of ${first} failed`,
        stage: second,
        setup: (aws) => {
          published(aws);
          stageRan(aws, first, 'd-PARTIAL01', releaseAt(C, 'v7'), {
            hosts: [host('i-0aaa', 'Succeeded', 7), host('i-0bbb', 'Failed', 6, 'Failed')],
          });
        },
        passed: ['arguments', 'account', 'published'],
        error: `did not succeed on every host (i-0bbb Failed)`,
      },
      {
        name: `ancestry: ${first} runs a newer version`,
        stage: first,
        ancestors: true,
        setup: (aws) => {
          published(aws);
          stageRan(aws, first, 'd-RUNNING01', releaseAt(D, 'v1'));
        },
        passed: ['arguments', 'account', 'published', 'stage order'],
        error: `error: refusing to deploy ${C} to ${first}: ${first} runs s3://${bucket}/${releaseKey(D)} (object version v1) (deployment d-RUNNING01), which is neither ${C} nor one of its ancestors, so deploying it would move ${first} backwards or sideways`,
      },
    ];
    for (const c of cases) {
      const aws = mockAws();
      c.setup(aws);
      aws.codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-MUSTNOT01' });
      const deps = testDeps({ files });
      const argv = [
        'deploy',
        '--stage',
        c.stage,
        '--version',
        C,
        ...(c.ancestors === true ? ['--ancestors', 'ancestors.txt'] : []),
        '--check',
      ];
      t.equal(await runRelease(argv, deps), 1, c.name);
      t.match(deps.err(), c.error, c.name);
      const out = deps.out();
      t.ok(out.startsWith(`checked deploy of ${C} to ${c.stage}:\n`), `${c.name}: header`);
      t.same(
        [...out.matchAll(/^ {2}✓ ([a-z ]+):/gm)].map((m) => m[1]).filter((x, i, all) => all.indexOf(x) === i),
        c.passed,
        `${c.name}: the checks that passed`,
      );
      t.ok(out.endsWith(REFUSED), `${c.name}: says nothing was deployed`);
      writesSent(t, aws);
      aws.restore();
    }
  });

  t.test('another account is refused (exit 1) before any check of the release', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/alice' });
    const deps = testDeps();
    t.equal(await runRelease(['deploy', '--stage', first, '--version', C, '--check'], deps), 1);
    t.match(deps.err(), '999999999999');
    t.equal(
      deps.out(),
      [`checked deploy of ${C} to ${first}:`, `  ✓ arguments: stage ${first}, version ${C}`, REFUSED].join('\n'),
    );
    t.equal(aws.s3.calls().length + aws.codeDeploy.calls().length, 0);
  });

  t.test('a wrong command line is refused like deploy (exit 2) before any AWS call', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const cases: [string, string[], Record<string, string>, string][] = [
      ['no --version', ['--stage', first], {}, `checked deploy of <no --version> to ${first}:\n${REFUSED}`],
      [
        'bad --timeout',
        ['--stage', first, '--version', C, '--timeout', 'soon'],
        {},
        `checked deploy of ${C} to ${first}:\n${REFUSED}`,
      ],
      [
        'bad --ancestors file',
        ['--stage', first, '--version', C, '--ancestors', 'ancestors.txt'],
        { '/work/ancestors.txt': `${B}\n` },
        `checked deploy of ${C} to ${first}:\n${REFUSED}`,
      ],
    ];
    for (const [name, args, input, out] of cases) {
      const deps = testDeps({ files: input });
      t.equal(await runRelease(['deploy', ...args, '--check'], deps), 2, name);
      t.match(deps.err(), /^error: /, name);
      t.equal(deps.out(), out, name);
    }
    t.equal(aws.sts.calls().length, 0);
  });

  t.test('a first stage that never ran anything passes the ancestry check', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    published(aws);
    neverDeployed(aws, first);
    const deps = testDeps({ files });
    t.equal(
      await runRelease(['deploy', '--stage', first, '--version', C, '--ancestors', 'ancestors.txt', '--check'], deps),
      0,
      deps.err(),
    );
    t.match(deps.out(), `  ✓ ancestry: ${first} has no successful deployment yet; nothing to compare ${C} with\n`);
    writesSent(t, aws);
  });

  t.test(
    `before ${first}'s stack ever existed: its missing group runs nothing (pass); other errors refuse`,
    async (t) => {
      const aws = mockAws();
      t.teardown(aws.restore);
      published(aws);
      const { applicationName, deploymentGroupName } = groupOf(first);
      aws.codeDeploy
        .on(GetDeploymentGroupCommand, groupOf(first))
        .rejectsOnce(awsError('ApplicationDoesNotExistException'))
        .rejectsOnce(awsError('DeploymentGroupDoesNotExistException'));
      const argv = ['deploy', '--stage', first, '--version', C, '--ancestors', 'ancestors.txt', '--check'];
      for (const missing of ['application', 'group']) {
        const deps = testDeps({ files });
        t.equal(await runRelease(argv, deps), 0, `${missing}: ${deps.err()}`);
        t.match(
          deps.out(),
          `  ✓ ancestry: ${first}'s deployment group does not exist yet (its stack was never deployed), so it runs nothing to compare ${C} with\n`,
          missing,
        );
      }
      // A sparse answer (no deploymentGroupInfo) is a group that never had a successful deployment.
      aws.codeDeploy.on(GetDeploymentGroupCommand, groupOf(first)).resolves({});
      const sparse = testDeps({ files });
      t.equal(await runRelease(argv, sparse), 0, sparse.err());
      t.match(sparse.out(), `  ✓ ancestry: ${first} has no successful deployment yet; nothing to compare ${C} with\n`);
      aws.codeDeploy.on(GetDeploymentGroupCommand, groupOf(first)).rejects(awsError('AccessDeniedException'));
      const denied = testDeps({ files });
      t.equal(await runRelease(argv, denied), 1);
      t.match(
        denied.err(),
        `(${CALLER_ARN}) may not codedeploy:GetDeploymentGroup on ${applicationName}/${deploymentGroupName}.`,
      );
      t.ok(denied.out().endsWith(REFUSED));
      writesSent(t, aws);
    },
  );

  t.test('deploy --help documents --check', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['deploy', '--help'], deps), 0);
    t.match(deps.out(), '[--check]');
    t.match(
      deps.out(),
      /--check\s+verify only: exit 0 when deploy would proceed, 1 when it would refuse; deploys nothing/,
    );
    t.match(deps.out(), 'With --check it applies every refusal rule above, makes no deployment and no other write');
  });
});

// The image check of a promotion: the stage before boots exactly the image the release pins.
t.test('machine-image-proof.ts', async (t) => {
  const refusal = 'refusing to promote abc123 to prod';
  const { arm64, x86_64 } = project.machineImages!.images;

  t.test('the image pinned for the architecture the stage boots passes, naming the release', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    for (const image of [arm64, x86_64]) {
      stageBoots(aws, 'staging', `${image.id} ${image.name}`);
      const line = await proveStageRunsPinnedImage(await openSession(testDeps()), 'staging', refusal);
      t.equal(
        line,
        `staging boots ${image.id} (${image.name}), the image this release pins: the next stage takes Amazon Linux ${image.name.replace(/-(arm64|x86_64)$/, '')} too`,
      );
    }
  });

  t.test('another image, none pinned, or no output: refused with what to deploy first', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    for (const running of [
      `ami-0123456789abcdef0 ${arm64.name.replace('20990101', '20990202')}`,
      `${x86_64.id} ${arm64.name}`,
      'unpinned',
    ]) {
      stageBoots(aws, 'staging', running);
      await t.rejects(proveStageRunsPinnedImage(await openSession(testDeps()), 'staging', refusal), {
        message: `${refusal}: staging boots ${running} (hello-staging's MachineImage output), not the Amazon Linux al2023-ami-2023.0.20990101.0-kernel-6.1 image this release pins; the next stage would take an image staging never ran. Deploy this release's stack to staging first (the pipeline's staging job does)`,
      });
    }
    aws.cloudFormation.reset();
    aws.cloudFormation.resolves({
      Stacks: [{ StackName: 'hello-staging', CreationTime: new Date(0), StackStatus: 'CREATE_COMPLETE' }],
    });
    await t.rejects(proveStageRunsPinnedImage(await openSession(testDeps()), 'staging', refusal), {
      message: /staging boots nothing \(no output\)/,
    });
  });

  t.test('a release that pins no image cannot be promoted', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const { proveStageRunsPinnedImage: prove } = await t.mockImport<typeof MachineImageProof>(
      '../src/machine-image-proof.ts',
      { '@hello/config/project': { project: { ...project, machineImages: undefined } } },
    );
    await t.rejects(prove(await openSession(testDeps()), 'staging', refusal), {
      message: `${refusal}: no Amazon Linux image is pinned (packages/config/src/machine-images.json): run \`pnpm ami:update\`, merge it and let the pipeline deploy it`,
    });
  });
});

t.test('run-release.ts', async (t) => {
  t.test('--help lists every command and the exit codes', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['--help'], deps), 0);
    for (const name of ['publish', 'deploy', 'watch', 'smoke', 'promote', 'rollback', 'redeploy', 'names'])
      t.match(deps.out(), new RegExp(`\\n  ${name} +\\S`));
    t.match(deps.out(), 'Exit codes: 0 done, 1 refused or failed, 2 wrong command line, 3 a time bound ran out.');
    t.equal(await runRelease(['help'], testDeps()), 0);
  });

  t.test('no command prints the help, says what is missing and exits 2', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease([], deps), 2);
    t.equal(deps.out(), mainHelp());
    t.equal(
      deps.err(),
      'error: no command given; the commands are: publish, deploy, watch, smoke, promote, rollback, redeploy, names\n',
    );
  });

  t.test('every command has --help with usage, options and an example', async (t) => {
    for (const command of COMMANDS) {
      const deps = testDeps();
      t.equal(await runRelease([command.name, '--help'], deps), 0, command.name);
      t.match(deps.out(), `Usage: pnpm release ${command.usage}`);
      t.match(deps.out(), '  --help ');
      t.match(deps.out(), `Examples:\n  pnpm release ${command.name}`);
      for (const option of Object.keys(command.options))
        t.match(deps.out(), `  --${option}`, `${command.name} --${option}`);
    }
  });

  t.test('an unknown command or option is a usage error that says what is allowed', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['ship'], deps), 2);
    t.match(
      deps.err(),
      'error: unknown command "ship"; the commands are: publish, deploy, watch, smoke, promote, rollback, redeploy, names',
    );
    t.equal(await runRelease(['deploy', '--stag', 'prod'], deps), 2);
    t.match(deps.err(), 'deploy: unknown option --stag; the options are: --stage <stage>, --version <sha>');
    t.match(deps.err(), 'See: pnpm release deploy --help');
  });

  t.test('a shell region other than the project region is noted, not used', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const deps = testDeps({ env: { AWS_REGION: 'eu-west-1' } });
    t.equal(await runRelease(['smoke', '--version', 'x'], deps), 2);
    t.match(
      deps.err(),
      "note: using the project's region eu-central-1 (packages/config/src/project.ts), not AWS_REGION=eu-west-1",
    );
  });

  t.test('an unexpected error is one line and exits 1; --verbose or DEBUG adds its stack', async (t) => {
    const bug = () => {
      throw new TypeError('bug');
    };
    const quiet = { ...testDeps(), aws: bug };
    t.equal(await runRelease(['watch', 'd-ABC'], quiet), 1);
    t.equal(
      quiet.err(),
      'unexpected error: TypeError: bug\n(a bug: run again with --verbose or DEBUG=1 for the stack trace)\n',
    );
    const verbose = { ...testDeps(), aws: bug };
    t.equal(await runRelease(['watch', 'd-ABC', '--verbose'], verbose), 1, '--verbose is accepted by every command');
    t.match(verbose.err(), /^unexpected error: TypeError: bug\n\s+at /);
    const debug = testDeps({ env: { DEBUG: '1' } });
    t.equal(await runRelease(['watch', 'd-ABC'], { ...debug, aws: bug }), 1);
    t.match(debug.err(), /^unexpected error: TypeError: bug\n\s+at /);
  });
});

t.test('release-deps.ts', async (t) => {
  t.test('the real world: streams, cwd, clock, files and one set of AWS clients', async (t) => {
    const dir = t.testdir({ 'in.txt': 'bytes' });
    const stdout = { write: () => true, isTTY: true, columns: 100 };
    const deps = createReleaseDeps({ env: { INIT_CWD: '/where/pnpm/ran' }, stdout, stderr: stdout, cwd: () => '/pkg' });
    t.equal(deps.cwd, '/where/pnpm/ran');
    t.equal(deps.isTTY, true);
    t.equal(deps.columns, 100, 'the terminal width, for the progress table');
    t.ok(
      deps.localCertificate === undefined ||
        deps.localCertificate.endsWith(`/${LOCAL_CERTIFICATE.dir}/${LOCAL_CERTIFICATE.certFile}`),
      "pnpm start's certificate, looked up in this checkout",
    );
    t.equal(deps.aws(), deps.aws(), 'clients are created once');
    t.equal((await deps.readFile(join(dir, 'in.txt'))).toString(), 'bytes');
    await deps.appendFile(join(dir, 'out.txt'), 'a');
    await deps.appendFile(join(dir, 'out.txt'), 'b');
    t.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'ab');
    const before = deps.now();
    await deps.sleep(5);
    t.ok(deps.now() >= before + 4);
    t.equal(deps.fetch, globalThis.fetch);
    const piped = createReleaseDeps({ env: {}, stdout: { write: () => true }, stderr: stdout, cwd: () => '/pkg' });
    t.equal(piped.cwd, '/pkg');
    t.equal(piped.isTTY, false);
  });

  t.test('output mode: CI wins over a terminal', (t) => {
    t.equal(outputMode({ env: { CI: 'true' }, isTTY: true }), 'ci');
    t.equal(outputMode({ env: { GITHUB_ACTIONS: 'true' }, isTTY: false }), 'ci');
    t.equal(outputMode({ env: { CI: 'false' }, isTTY: true }), 'tty');
    t.equal(outputMode({ env: {}, isTTY: false }), 'plain');
    t.end();
  });
});

t.test('http-get.ts', async (t) => {
  const init = () => ({ signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });

  t.test('trusts the given certificate on a real HTTPS server and follows redirects', async (t) => {
    const server = await localHttps(t, serviceAt('dev'));
    const get = httpGetTrusting([server.cert]);
    const answer = await get(`${server.url}/version`, init());
    t.equal(answer.status, 200);
    t.equal(await answer.text(), '{"version":"dev"}');
    const moved = await get(`${server.url}/old`, init());
    t.equal(moved.status, 200, 'a 301 is followed like fetch does');
    t.equal(await moved.text(), '{"version":"dev"}');
  });

  t.test("without the certificate the failure looks like fetch's: the TLS reason in cause", async (t) => {
    const server = await localHttps(t, serviceAt('dev'));
    await t.rejects(httpGetTrusting([])(`${server.url}/version`, init()), {
      message: 'fetch failed',
      cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
    await t.rejects(
      globalThis.fetch(`${server.url}/version`),
      { message: 'fetch failed', cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } },
      'the same as fetch',
    );
  });

  t.test('plain http works too, and a redirect loop ends after five hops with the last answer', async (t) => {
    const server = createServer((req, res) => res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const answer = await httpGetTrusting([])(`http://127.0.0.1:${(server.address() as AddressInfo).port}/a`, init());
    t.equal(answer.status, 302);
  });
});

t.test('local-certificate.ts', async (t) => {
  t.test('found from any directory of the checkout that holds it', (t) => {
    const root = t.testdir({ 'pnpm-workspace.yaml': '', packages: { release: { dist: {} } } });
    // Where the local server writes it.
    const cert = join(root, LOCAL_CERTIFICATE.dir, LOCAL_CERTIFICATE.certFile);
    mkdirSync(join(root, LOCAL_CERTIFICATE.dir), { recursive: true });
    writeFileSync(cert, 'x');
    t.equal(findLocalCertificate(join(root, 'packages', 'release', 'dist')), cert);
    t.equal(findLocalCertificate(root), cert);
    t.end();
  });

  t.test('none before the first pnpm start, none outside a checkout', (t) => {
    const root = t.testdir({ 'pnpm-workspace.yaml': '', packages: {} });
    t.equal(findLocalCertificate(join(root, 'packages')), undefined);
    const away = mkdtempSync(join(tmpdir(), 'release-no-checkout-'));
    t.teardown(() => rmSync(away, { recursive: true, force: true }));
    t.equal(findLocalCertificate(away), undefined);
    t.end();
  });

  t.test('loopback URLs only', (t) => {
    for (const url of ['https://localhost:8443', 'https://127.0.0.1:8443/', 'https://[::1]:8443'])
      t.equal(isLoopbackUrl(url), true, url);
    for (const url of ['https://staging.example.com', 'https://10.0.0.1']) t.equal(isLoopbackUrl(url), false, url);
    t.end();
  });
});
