// `deploy --check`: every refusal rule deploy applies, a line per check, exit 0/1, and no
// CreateDeployment nor any other write call. Names come from the fixture project.
import { CreateDeploymentCommand, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { artifactBucketName, releaseKey } from '@hello/config/naming';
import { project } from '@hello/config/project';
import t, { type Test } from 'tap';
import { runRelease } from '../src/run-release.ts';
import { stageOrder } from '../src/stage-order.ts';
import { host } from './deployment-fixtures.ts';
import { awsError, CALLER_ARN, mockAws, testDeps } from './release-test-deps.ts';
import { groupOf, neverDeployed, releaseAt, stageRan } from './stage-fixtures.ts';

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
