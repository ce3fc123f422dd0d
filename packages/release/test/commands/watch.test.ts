import {
  ListDeploymentTargetsCommand,
  GetDeploymentCommand,
  BatchGetDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import t, { type Test } from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { host, scriptDeployment } from '../deployment-fixtures.ts';
import { awsError, mockAws, testDeps } from '../release-test-deps.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { localHttps, serviceAt, listenOnLoopback } from '../local-https.ts';
import { createHash } from 'node:crypto';
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { artifactBucketName } from '@hello/config/naming';
import { project } from '@hello/config/project';

t.test('commands/watch.ts', async (t) => {
  const diagnostics = {
    errorCode: 'ScriptFailed' as const,
    scriptName: 'hooks/after-install.sh',
    message: 'exit code 1',
    logTail: '[stderr]npm ERR! a | b\n',
  };

  t.test('on a terminal the host table is redrawn in place', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    scriptDeployment(aws.codeDeploy, 'd-TTY000001', [
      { status: 'Created', hosts: [] },
      { status: 'InProgress', hosts: [host('i-a', 'InProgress', 1, 'InProgress')] },
      { status: 'Succeeded', hosts: [host('i-a', 'Succeeded', 7)] },
    ]);
    const deps = testDeps({ isTTY: true });
    t.equal(await runRelease(['watch', 'd-TTY000001'], deps), 0);
    const out = deps.out();
    t.match(out, 'deployment d-TTY000001: Created (0/0 hosts done)\n');
    // Second draw: up one line (the first table had only its headline), clear, redraw.
    t.match(
      out,
      '\x1b[1A\x1b[0Jdeployment d-TTY000001: InProgress (0/1 hosts done)\n  i-a   InProgress  1/7 ▶DownloadBundle\n',
    );
    t.match(out, '\x1b[2A\x1b[0Jdeployment d-TTY000001: Succeeded (1/1 hosts done)');
    t.notMatch(out, '::group::');
  });

  t.test('on CI: plain lines per change, a ::group:: per host, ::error and a step summary table', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    scriptDeployment(aws.codeDeploy, 'd-CI0000001', [
      {
        status: 'InProgress',
        hosts: [host('i-a', 'InProgress', 4, 'InProgress'), host('i-b', 'InProgress', 4, 'InProgress')],
      },
      {
        status: 'InProgress',
        hosts: [host('i-a', 'InProgress', 4, 'InProgress'), host('i-b', 'InProgress', 4, 'InProgress')],
      },
      {
        status: 'Failed',
        error: { code: 'SCRIPT_FAILED', message: 'lifecycle event failed' },
        hosts: [host('i-a', 'Failed', 4, 'Failed', diagnostics), host('i-b', 'Succeeded', 7)],
      },
    ]);
    const deps = testDeps({ env: { CI: 'true', GITHUB_STEP_SUMMARY: '/gh/summary' }, isTTY: true });
    t.equal(await runRelease(['watch', 'd-CI0000001'], deps), 1);
    const out = deps.out();
    t.match(out, '[+0s] deployment d-CI0000001: InProgress (0/2 hosts done)\n');
    t.match(out, '[+0s] i-a AfterInstall InProgress\n');
    t.match(out, /\[\+\d+s\] i-a AfterInstall Failed\n/);
    // An unchanged poll prints nothing: the AfterInstall InProgress line appears once per host.
    t.equal(out.split('i-a AfterInstall InProgress').length, 2);
    t.match(out, '::group::i-a Failed\n  ApplicationStop      Succeeded  1.5s\n');
    t.match(out, '::group::i-b Succeeded\n');
    t.equal(out.split('::endgroup::').length, 3);
    t.match(
      out,
      '::error title=CodeDeploy d-CI0000001 Failed::deployment d-CI0000001 Failed: SCRIPT_FAILED: lifecycle event failed',
    );
    t.notMatch(out, '\x1b[');
    const summary = deps.files.get('/gh/summary') ?? '';
    t.match(summary, '### CodeDeploy [d-CI0000001](https://');
    t.match(summary, ' (hello-staging / staging): Failed');
    t.match(summary, '| Host | Status | Lifecycle events | Error |');
    t.match(summary, '| `i-a` | ❌ Failed | ✅ ApplicationStop<br>');
    t.match(summary, '| AfterInstall: ScriptFailed exit code 1 |');
    t.match(deps.err(), 'host i-a failed at AfterInstall: ScriptFailed (hooks/after-install.sh): exit code 1');
    t.match(deps.err(), '    [stderr]npm ERR! a | b');
  });

  t.test('plain output (a pipe, not CI) prints lines and per-host results without group markers', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    scriptDeployment(aws.codeDeploy, 'd-PLAIN0001', [{ status: 'Succeeded', hosts: [host('i-a', 'Succeeded', 7)] }]);
    const deps = testDeps({ env: { GITHUB_STEP_SUMMARY: '/gh/summary' } });
    t.equal(await runRelease(['watch', 'd-PLAIN0001'], deps), 0);
    t.match(deps.out(), 'i-a Succeeded\n  ApplicationStop ');
    t.notMatch(deps.out(), '::group::');
    t.equal(deps.files.size, 0);
  });

  t.test('CI without a step summary file, and a sparse CodeDeploy answer, still render', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.codeDeploy.on(GetDeploymentCommand).resolves({});
    aws.codeDeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['x', 'y'], nextToken: '' });
    aws.codeDeploy.on(BatchGetDeploymentTargetsCommand).resolves({
      deploymentTargets: [{}, { instanceTarget: { lifecycleEvents: [{}] } }],
    });
    const deps = testDeps({ env: { GITHUB_ACTIONS: 'true' } });
    t.equal(await runRelease(['watch', 'd-SPARSE001', '--timeout', '1s'], deps), 3);
    t.match(deps.out(), '::group::unknown Unknown\n  unknown              Unknown');
    t.match(deps.err(), 'is still Unknown');
  });

  t.test('hosts appear once the deployment has started; failures of the listing are explained', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Failed' } });
    aws.codeDeploy
      .on(ListDeploymentTargetsCommand)
      .rejectsOnce(awsError('DeploymentNotStartedException'))
      .rejects(awsError('InvalidDeploymentIdException'));
    const notStarted = testDeps();
    t.equal(await runRelease(['watch', 'd-NOTSTART1'], notStarted), 1);
    t.match(notStarted.err(), 'deployment d-NOTSTART1 Failed: no error code: no message');
    const broken = testDeps();
    t.equal(await runRelease(['watch', 'd-NOTSTART1'], broken), 1);
    t.match(broken.err(), 'codedeploy:ListDeploymentTargets on d-NOTSTART1 failed: InvalidDeploymentIdException');
  });

  t.test('many hosts are fetched 25 at a time', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const ids = Array.from({ length: 30 }, (_, i) => `i-${String(i).padStart(3, '0')}`);
    aws.codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
    aws.codeDeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ids });
    aws.codeDeploy.on(BatchGetDeploymentTargetsCommand).callsFake((input: { targetIds: string[] }) => ({
      deploymentTargets: input.targetIds.map((id) => host(id, 'Succeeded', 7)),
    }));
    const deps = testDeps();
    t.equal(await runRelease(['watch', 'd-MANY00001'], deps), 0);
    t.same(
      aws.codeDeploy.commandCalls(BatchGetDeploymentTargetsCommand).map((c) => c.args[0].input.targetIds?.length),
      [25, 5],
    );
    t.match(deps.out(), 'succeeded on 30 host(s)');
  });

  t.test('the deployment id is required and checked', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['watch'], deps), 2);
    t.match(deps.err(), 'the deployment id is required');
    t.equal(await runRelease(['watch', 'deploy-1'], deps), 2);
    t.match(deps.err(), '"deploy-1" is not a CodeDeploy deployment id');
    t.equal(await runRelease(['watch', 'd-A', 'd-B'], deps), 2);
    t.match(deps.err(), 'watch takes one <deployment-id>, got: d-A d-B');
  });
});

// `watch` on the answers CodeDeploy gives for faults the deploy rehearsal cannot reproduce
// (tools/rehearsal's fault matrix, docs/rehearsal.md): a host terminated or an agent gone in the
// middle of a deployment (CodeDeploy waits up to an hour for an agent, then fails the host), an
// agent restarted while a hook ran (the agent's own message, aws-codedeploy-agent
// command_poller.rb #recover_from_crash?), and a OneAtATime deployment whose last host failed
// (Succeeded by CodeDeploy's rule). In every failed case the CLI exits non-zero and names the
// host, the lifecycle event and the cause.
t.test('watch faults', async (t) => {
  const HEALTH_CONSTRAINTS = {
    code: 'HEALTH_CONSTRAINTS',
    message:
      'The overall deployment failed because too many individual instances failed deployment, too few healthy instances are available for deployment, or some instances in your deployment group are experiencing problems.',
  };

  t.test('a host terminated in the middle: named with the event it stopped in and why', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    scriptDeployment(aws.codeDeploy, 'd-TERMINATE1', [
      { status: 'InProgress', hosts: [host('i-a', 'InProgress', 2, 'InProgress'), host('i-b', 'Pending', 0)] },
      // An hour later: the host is Failed, its event never reported an end.
      {
        status: 'Failed',
        error: HEALTH_CONSTRAINTS,
        hosts: [host('i-a', 'Failed', 2, 'InProgress'), host('i-b', 'Skipped', 0)],
      },
    ]);
    const deps = testDeps();
    t.equal(await runRelease(['watch', 'd-TERMINATE1'], deps), 1);
    t.match(deps.err(), 'error: deployment d-TERMINATE1 Failed: HEALTH_CONSTRAINTS');
    t.match(
      deps.err(),
      'host i-a ended Failed at BeforeInstall (InProgress) without a failed lifecycle event: CodeDeploy heard nothing more from it: the instance was terminated or rebooted, or its CodeDeploy agent stopped',
    );
    t.match(deps.err(), /host i-b ended Skipped at ApplicationStop \(Pending\) without a failed lifecycle event\n/);
  });

  t.test('an agent that never answers: the bound ends the watch (exit 3), the deployment goes on', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    scriptDeployment(aws.codeDeploy, 'd-NOAGENT01', [
      { status: 'InProgress', hosts: [host('i-a', 'InProgress', 2, 'InProgress')] },
    ]);
    const deps = testDeps();
    t.equal(await runRelease(['watch', 'd-NOAGENT01', '--timeout', '2m'], deps), 3);
    t.match(deps.out(), 'i-a BeforeInstall InProgress');
    t.match(deps.err(), 'timed out after 2m: deployment d-NOAGENT01 is still InProgress');
    t.match(deps.err(), 'pnpm release watch d-NOAGENT01');
  });

  t.test('an agent restarted while a hook ran: its own message names the cause', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    scriptDeployment(aws.codeDeploy, 'd-RESTART01', [
      {
        status: 'Failed',
        error: HEALTH_CONSTRAINTS,
        hosts: [
          host('i-a', 'Failed', 4, 'Failed', {
            errorCode: 'UnknownError',
            scriptName: '',
            message: 'Failed: Failing in-progress lifecycle event after an agent restart.',
            logTail: '',
          }),
        ],
      },
    ]);
    const deps = testDeps();
    t.equal(await runRelease(['watch', 'd-RESTART01'], deps), 1);
    t.match(
      deps.err(),
      'host i-a failed at AfterInstall: UnknownError: Failed: Failing in-progress lifecycle event after an agent restart.\n',
      'no empty script name, no empty log tail',
    );
  });

  t.test('the last host of a OneAtATime deployment failed: CodeDeploy says Succeeded, the CLI does not', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const diagnostics = {
      errorCode: 'ScriptFailed' as const,
      scriptName: 'hooks/validate-service.sh',
      message: 'Script at specified location: hooks/validate-service.sh run as user root failed with exit code 1',
      logTail: "[stdout][service-ctl] hello.service: Failed with result 'start-limit-hit'.\n",
    };
    scriptDeployment(aws.codeDeploy, 'd-LASTHOST1', [
      { status: 'Succeeded', hosts: [host('i-a', 'Succeeded', 7), host('i-b', 'Failed', 6, 'Failed', diagnostics)] },
    ]);
    const deps = testDeps();
    t.equal(await runRelease(['watch', 'd-LASTHOST1'], deps), 1);
    t.match(deps.err(), 'failed on 1 of 2 host(s), although CodeDeploy reports it Succeeded');
    t.match(deps.err(), 'host i-b failed at ValidateService: ScriptFailed (hooks/validate-service.sh)');
    t.match(deps.err(), 'start-limit-hit');
  });
});

t.test('commands/smoke.ts', async (t) => {
  /** A loopback service whose version switches after `switchAfter` requests to /version. */
  async function service(t: Test, switchAfter: number, rootStatus = 200): Promise<string> {
    let versionCalls = 0;
    const server: Server = createServer((req, res) => {
      if (req.url === '/version') {
        versionCalls += 1;
        if (versionCalls === 1) {
          res.writeHead(503).end('starting');
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ version: versionCalls > switchAfter ? 'new1' : 'old0' }));
        return;
      }
      res.writeHead(req.url === '/' ? rootStatus : 404).end('hello');
    });
    await listenOnLoopback(t, server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  t.test('polls a real loopback server until /version reports the version and / answers 200', async (t) => {
    const url = await service(t, 2);
    const deps = testDeps({ fetch: globalThis.fetch });
    t.equal(await runRelease(['smoke', '--url', `${url}/`, '--version', 'new1'], deps), 0);
    const out = deps.out();
    t.match(out, `smoke test of ${url}/: waiting up to 5m for version new1`);
    t.match(out, '  /version answers 503 without a version; / answers 200\n');
    t.match(out, '  /version answers "old0"; / answers 200\n');
    t.match(out, `smoke test passed: ${url}/ serves new1 and / answers 200`);
    t.equal(deps.sleeps.length, 2);
  });

  t.test('fails with the last state when the bound runs out', async (t) => {
    const url = await service(t, 1000, 500);
    const deps = testDeps({ fetch: globalThis.fetch });
    t.equal(await runRelease(['smoke', '--url', url, '--version', 'new1', '--timeout', '12s'], deps), 1);
    t.match(
      deps.err(),
      `smoke test failed: after 12s ${url} still does not serve new1: /version answers "old0"; / answers 500`,
    );
    t.ok(deps.sleeps.length <= 4, 'a bounded number of probes');
  });

  t.test('a refused connection is reported by its code', async (t) => {
    // A port that was just free: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const closed = `http://127.0.0.1:${port}`;
    const deps = testDeps({ fetch: globalThis.fetch });
    t.equal(await runRelease(['smoke', '--url', closed, '--version', 'x', '--timeout', '1s'], deps), 1);
    t.match(deps.err(), '/version fails (ECONNREFUSED); / fails (ECONNREFUSED)');
  });

  t.test('non-JSON answers and thrown errors without a cause are reported', async (t) => {
    let calls = 0;
    const deps = testDeps({
      fetch: (input) =>
        (input as string).endsWith('/version')
          ? Promise.resolve(new Response(calls++ === 0 ? 'not json' : '{"version":5}', { status: 200 }))
          : Promise.reject(new DOMException('timed out', 'TimeoutError')),
    });
    t.equal(await runRelease(['smoke', '--url', 'https://x.example', '--version', 'x', '--timeout', '1s'], deps), 1);
    t.match(deps.out(), '  /version answers 200 without a version; / fails (TimeoutError)\n');
    t.equal(calls, 2, 'a JSON answer without a string version counts as no version');
    const blocked = testDeps({
      fetch: () => Promise.reject(new TypeError('fetch failed', { cause: new Error('bad port') })),
    });
    t.equal(
      await runRelease(['smoke', '--url', 'http://127.0.0.1:9', '--version', 'x', '--timeout', '1s'], blocked),
      1,
    );
    t.match(blocked.err(), '/version fails (bad port); / fails (bad port)');
  });

  t.test("without --url it reads the stage stack's EndpointUrl output", async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const url = await service(t, 0);
    aws.cloudFormation.on(DescribeStacksCommand, { StackName: 'hello-staging' }).resolves({
      Stacks: [
        {
          StackName: 'hello-staging',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'Other', OutputValue: 'x' },
            { OutputKey: 'EndpointUrl', OutputValue: url },
          ],
        },
      ],
    });
    const deps = testDeps({ fetch: globalThis.fetch });
    t.equal(await runRelease(['smoke', '--stage', 'staging', '--version', 'new1'], deps), 0);
    t.match(deps.out(), `smoke test passed: ${url} serves new1`);
  });

  t.test('a missing stack, a missing output and other errors are explained', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.cloudFormation
      .on(DescribeStacksCommand)
      .rejectsOnce(awsError('ValidationError', 400, 'Stack with id hello-prod does not exist'))
      .resolvesOnce({ Stacks: [{ StackName: 'hello-prod', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE' }] })
      .resolvesOnce({})
      .rejectsOnce(awsError('AccessDenied', 403));
    const argv = ['smoke', '--stage', 'prod', '--version', 'v1'];
    const missing = testDeps();
    t.equal(await runRelease(argv, missing), 1);
    t.match(
      missing.err(),
      'the stack hello-prod does not exist in eu-central-1: deploy it first (pnpm infra:deploy hello-prod)',
    );
    const noOutput = testDeps();
    t.equal(await runRelease(argv, noOutput), 1);
    t.match(noOutput.err(), 'the stack hello-prod has no EndpointUrl output');
    const noStacks = testDeps();
    t.equal(await runRelease(argv, noStacks), 1);
    t.match(noStacks.err(), 'has no EndpointUrl output');
    const denied = testDeps();
    t.equal(await runRelease(argv, denied), 1);
    t.match(denied.err(), 'may not cloudformation:DescribeStacks on hello-prod');
  });

  t.test('bad --url and a missing --stage are usage errors', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['smoke', '--url', 'not a url', '--version', 'v'], deps), 2);
    t.match(deps.err(), '--url "not a url" is not a URL');
    t.equal(await runRelease(['smoke', '--url', 'ftp://x', '--version', 'v'], deps), 2);
    t.match(deps.err(), 'expected an http:// or https:// URL');
    const aws = mockAws();
    t.teardown(aws.restore);
    t.equal(await runRelease(['smoke', '--version', 'v'], deps), 2);
    t.match(deps.err(), '--stage <stage> is required');
  });

  t.test('a local https server: --ca trusts its certificate, from any working directory', async (t) => {
    const server = await localHttps(t, serviceAt('dev'));
    const deps = testDeps({ fetch: globalThis.fetch, files: { [server.certFile]: server.cert } });
    t.equal(await runRelease(['smoke', '--url', server.url, '--version', 'dev', '--ca', server.certFile], deps), 0);
    t.match(deps.out(), `smoke test passed: ${server.url} serves dev and / answers 200`);
    const relative = {
      ...testDeps({ fetch: globalThis.fetch, files: { [server.certFile]: server.cert } }),
      cwd: dirname(server.certFile),
    };
    t.equal(
      await runRelease(['smoke', '--url', server.url, '--version', 'dev', '--ca', 'cert.pem'], relative),
      0,
      'a relative --ca is read from where pnpm was run',
    );
  });

  t.test("a loopback https URL trusts pnpm start's certificate of this checkout, and says so", async (t) => {
    const server = await localHttps(t, serviceAt('dev'));
    const deps = {
      ...testDeps({ fetch: globalThis.fetch, files: { [server.certFile]: server.cert } }),
      localCertificate: server.certFile,
    };
    t.equal(await runRelease(['smoke', '--url', server.url, '--version', 'dev'], deps), 0);
    t.equal(
      deps.err(),
      `note: trusting the local development certificate ${server.certFile} for ${new URL(server.url).host}\n`,
    );
  });

  t.test('an untrusted certificate fails with the reason and the way out', async (t) => {
    const server = await localHttps(t, serviceAt('dev'));
    const deps = testDeps({ fetch: globalThis.fetch });
    t.equal(await runRelease(['smoke', '--url', server.url, '--version', 'dev', '--timeout', '1s'], deps), 1);
    t.match(
      deps.err(),
      'still does not serve dev: /version fails (DEPTH_ZERO_SELF_SIGNED_CERT); / fails (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
    t.match(deps.err(), "(the server's certificate is not trusted: pass --ca <its cert.pem>)");
  });

  t.test('--ca must be a readable PEM certificate', async (t) => {
    const missing = testDeps();
    t.equal(
      await runRelease(['smoke', '--url', 'https://localhost:8443', '--version', 'dev', '--ca', '/nope.pem'], missing),
      2,
    );
    t.match(missing.err(), '--ca /nope.pem: cannot read it (ENOENT); expected a PEM certificate file');
    const notPem = testDeps({ files: { '/work/key.txt': 'hello' } });
    t.equal(
      await runRelease(['smoke', '--url', 'https://localhost:8443', '--version', 'dev', '--ca', 'key.txt'], notPem),
      2,
    );
    t.match(notPem.err(), '--ca /work/key.txt: not a PEM certificate (no -----BEGIN CERTIFICATE----- line)');
    const odd = { ...testDeps(), readFile: () => Promise.reject(new Error('odd')) };
    t.equal(
      await runRelease(['smoke', '--url', 'https://localhost:8443', '--version', 'dev', '--ca', 'x.pem'], odd),
      2,
    );
    t.match(odd.err(), 'cannot read it (odd)');
  });
});

t.test('commands/names.ts', async (t) => {
  t.test('prints the names of a stage as key=value lines, without calling AWS', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const deps = testDeps();
    t.equal(await runRelease(['names', '--stage', 'prod'], deps), 0);
    t.equal(
      deps.out(),
      [
        'region=eu-central-1',
        'account=210987654321',
        'role-arn=arn:aws:iam::210987654321:role/hello-github-deploy-prod',
        'stack=hello-prod',
        'bucket=hello-artifacts-210987654321-eu-central-1',
        'application=hello-prod',
        'deployment-group=prod',
        'parameter-path=/hello/prod/',
        '',
      ].join('\n'),
    );
    t.equal(aws.sts.calls().length, 0);
    t.equal(deps.err(), '', 'no region note: names never calls AWS');
  });

  t.test('--pull-request prints the region and the read-only role', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['names', '--pull-request'], deps), 0);
    t.equal(deps.out(), 'region=eu-central-1\nrole-arn=arn:aws:iam::210987654321:role/hello-github-pull-request\n');
  });

  t.test('exactly one of --stage and --pull-request', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['names'], deps), 2);
    t.equal(await runRelease(['names', '--stage', 'prod', '--pull-request'], deps), 2);
    t.match(deps.err(), 'give exactly one of --stage <stage> or --pull-request');
    t.equal(await runRelease(['names', '--stage', 'test'], deps), 2);
    t.match(deps.err(), 'the stages are: staging, prod');
  });
});

t.test('commands/publish.ts', async (t) => {
  const BYTES = 'PK\u0003\u0004 release bundle';
  const SHA = createHash('sha256').update(BYTES).digest();
  const bucket = artifactBucketName(project);
  const argv = ['publish', '--version', 'abc123', '--file', 'bundle.zip'];

  t.test('uploads the bundle with its SHA-256, the bucket owner and a no-overwrite condition', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).rejects(awsError('NotFound', 404));
    aws.s3.on(PutObjectCommand).resolves({ VersionId: 'v1' });
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 0);
    const [put] = aws.s3.commandCalls(PutObjectCommand);
    t.match(put?.args[0].input, {
      Bucket: bucket,
      Key: 'releases/abc123.zip',
      ChecksumSHA256: SHA.toString('base64'),
      Metadata: { sha256: SHA.toString('hex') },
      IfNoneMatch: '*',
      ExpectedBucketOwner: project.aws.account,
    });
    t.equal(aws.s3.commandCalls(HeadBucketCommand)[0]?.args[0].input.ExpectedBucketOwner, project.aws.account);
    t.equal(aws.s3.commandCalls(HeadObjectCommand)[0]?.args[0].input.ExpectedBucketOwner, project.aws.account);
    t.match(
      deps.out(),
      `published s3://${bucket}/releases/abc123.zip (object version v1, sha256 ${SHA.toString('hex')}`,
    );
    aws.s3.on(PutObjectCommand).resolves({});
    const unversioned = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, unversioned), 0);
    t.match(unversioned.out(), '(object version none, sha256');
  });

  t.test('is idempotent: the same bytes already there are not uploaded again', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3
      .on(HeadObjectCommand)
      .resolves({ VersionId: 'v1', ChecksumSHA256: SHA.toString('base64'), ChecksumType: 'FULL_OBJECT' });
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 0);
    t.equal(aws.s3.commandCalls(PutObjectCommand).length, 0);
    t.match(deps.out(), /already published: .* same sha256 .*nothing uploaded/);
    aws.s3.on(HeadObjectCommand).resolves({ Metadata: { sha256: SHA.toString('hex') } });
    const unversioned = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, unversioned), 0);
    t.match(unversioned.out(), '(object version none)');
  });

  t.test('refuses a different file for a published version (checksum conflict)', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).resolves({ VersionId: 'v1', Metadata: { sha256: 'f'.repeat(64) } });
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 1);
    t.equal(aws.s3.commandCalls(PutObjectCommand).length, 0);
    t.match(
      deps.err(),
      `checksum conflict: s3://${bucket}/releases/abc123.zip already holds a different file (sha256 ${'f'.repeat(64)}, yours ${SHA.toString('hex')})`,
    );
  });

  t.test('an object without a checksum cannot be proven equal: refused', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).resolves({ ChecksumSHA256: 'AAAA-2', ChecksumType: 'COMPOSITE' });
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), 'sha256 unknown');
  });

  t.test('a racing publisher of the same bytes (412) counts as published', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3
      .on(HeadObjectCommand)
      .rejectsOnce(awsError('NotFound', 404))
      .resolves({ VersionId: 'v9', Metadata: { sha256: SHA.toString('hex') } });
    aws.s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 0);
    t.match(deps.out(), 'object version v9');
  });

  t.test('a failed upload names the action and the object', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).rejects(awsError('NotFound', 404));
    aws.s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 403));
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), `access denied: role hello-github-deploy-staging`);
    t.match(deps.err(), `may not s3:PutObject on s3://${bucket}/releases/abc123.zip`);
  });

  t.test('a missing bucket names the foundation stack to deploy', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 1);
    t.match(
      deps.err(),
      `the artifact bucket ${bucket} does not exist in account ${project.aws.account}: deploy the foundation stack first (pnpm infra:deploy hello-foundation)`,
    );
    t.equal(aws.s3.commandCalls(PutObjectCommand).length, 0);
  });

  t.test('reading the object can be denied too', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).rejects(awsError('Forbidden', 403));
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), `may not s3:GetObject on s3://${bucket}/releases/abc123.zip`);
  });

  t.test('a bucket owned by someone else is access denied, never written', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.s3.on(HeadBucketCommand).rejects(awsError('403', 403));
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), `may not s3:ListBucket on s3://${bucket}`);
  });

  t.test('the wrong account is refused before anything is read or written', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    aws.sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/alice' });
    const deps = testDeps({ files: { '/work/bundle.zip': BYTES } });
    t.equal(await runRelease(argv, deps), 1);
    t.match(deps.err(), `wrong AWS account: expected ${project.aws.account}`);
    t.match(deps.err(), 'found 999999999999 (signed in as arn:aws:iam::999999999999:user/alice)');
    t.equal(aws.s3.calls().length, 0);
  });

  t.test('a missing or empty file is a usage error naming the path', async (t) => {
    const aws = mockAws();
    t.teardown(aws.restore);
    const missing = testDeps();
    t.equal(await runRelease(argv, missing), 2);
    t.match(missing.err(), '--file bundle.zip: cannot read /work/bundle.zip (ENOENT)');
    const empty = testDeps({ files: { '/work/bundle.zip': '' } });
    t.equal(await runRelease(argv, empty), 2);
    t.match(empty.err(), '/work/bundle.zip is empty');
    const odd = testDeps();
    const failing = { ...odd, readFile: () => Promise.reject(new Error('boom')) };
    t.equal(await runRelease(argv, failing), 2);
    t.match(odd.err(), 'cannot read /work/bundle.zip (Error: boom)');
    t.equal(aws.sts.calls().length, 0);
  });

  t.test('--version and --file are required and checked', async (t) => {
    const deps = testDeps();
    t.equal(await runRelease(['publish', '--file', 'x.zip'], deps), 2);
    t.match(deps.err(), '--version <sha> is required');
    t.equal(await runRelease(['publish', '--version', '../x', '--file', 'x.zip'], deps), 2);
    t.match(deps.err(), '--version "../x" is not a release version');
  });
});
