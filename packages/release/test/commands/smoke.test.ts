import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import t, { type Test } from 'tap';
import { localHttps, serviceAt } from '../local-https.ts';
import { runRelease } from '../../src/run-release.ts';
import { awsError, mockAws, testDeps } from '../release-test-deps.ts';

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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
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
  t.equal(await runRelease(['smoke', '--url', 'http://127.0.0.1:9', '--version', 'x', '--timeout', '1s'], blocked), 1);
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
  t.equal(await runRelease(['smoke', '--url', 'https://localhost:8443', '--version', 'dev', '--ca', 'x.pem'], odd), 2);
  t.match(odd.err(), 'cannot read it (odd)');
});
