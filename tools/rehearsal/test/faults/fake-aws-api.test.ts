// The fake AWS API, spoken to by the real release CLI (packages/release, through its
// node_modules/.bin shim): the calls it makes, the answers it reads, and what it prints.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { project } from '@hello/config/project';
import { DeploymentBook, INSTANCE_EVENTS } from '../../src/faults/deployment-book.ts';
import { callerIdentityXml, codeDeployAction, startFakeAwsApi } from '../../src/faults/fake-aws-api.ts';
import { releaseWatch } from '../../src/faults/release-watch.ts';

// The CLI's bundle may be built on first use.
t.setTimeout(120_000);

const book = new DeploymentBook();
const good = book.create('hello-staging', 'staging', ['h1']);
for (const e of INSTANCE_EVENTS) {
  book.event(good, 'h1', e, 'InProgress');
  book.event(good, 'h1', e, 'Succeeded');
}
book.finish(good, 'Succeeded');
const bad = book.create('hello-staging', 'staging', ['h1', 'h2']);
book.event(bad, 'h1', 'AfterInstall', 'InProgress');
book.event(bad, 'h1', 'AfterInstall', 'Failed', {
  errorCode: 'ScriptTimedOut',
  scriptName: 'hooks/after-install.sh',
  message: 'Script at specified location: hooks/after-install.sh failed to complete in 3 seconds',
  logTail: 'LifecycleEvent - AfterInstall\n',
});
book.finish(bad, 'Failed');
const api = await startFakeAwsApi(book, project.aws.account);
t.teardown(() => api.close());

t.test('the release CLI reads a succeeded deployment: exit 0', async (t) => {
  const r = await releaseWatch(good, api.url);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, `deployment ${good} succeeded on 1 host(s)`);
});

t.test('the release CLI reads a failed one: exit 1, the host, the event, the cause', async (t) => {
  const r = await releaseWatch(bad, api.url);
  t.equal(r.code, 1);
  t.match(r.stderr, 'host h1 failed at AfterInstall: ScriptTimedOut (hooks/after-install.sh)');
  t.match(r.stderr, 'host h2 ended Skipped');
});

t.test('a CLI that cannot be started or run to its end says so', async (t) => {
  t.match(await releaseWatch(good, api.url, { bin: '/nonexistent/release' }), { code: 127, stderr: /ENOENT/ });
  const hangs = join(t.testdir({}), 'hangs');
  writeFileSync(hangs, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
  t.match(await releaseWatch(good, api.url, { bin: hangs, timeoutMs: 100 }), {
    code: 128,
    stderr: /killed by SIGTERM/,
  });
});

t.test('the actions it answers, and what it refuses', async (t) => {
  t.match(codeDeployAction(book, 'GetDeployment', { deploymentId: bad }), [
    200,
    { deploymentInfo: { status: 'Failed' } },
  ]);
  t.match(codeDeployAction(book, 'ListDeploymentTargets', { deploymentId: bad }), [200, { targetIds: ['h1', 'h2'] }]);
  t.match(codeDeployAction(book, 'BatchGetDeploymentTargets', { deploymentId: bad, targetIds: ['h2'] }), [
    200,
    {
      deploymentTargets: [
        { deploymentTargetType: 'InstanceTarget', instanceTarget: { targetId: 'h2', status: 'Skipped' } },
      ],
    },
  ]);
  t.match(codeDeployAction(book, 'BatchGetDeploymentTargets', { deploymentId: bad }), [200, { deploymentTargets: [] }]);
  t.match(codeDeployAction(book, 'GetDeployment', { deploymentId: 'd-NONE' }), [
    400,
    { __type: 'DeploymentDoesNotExistException' },
  ]);
  t.match(codeDeployAction(book, 'StopDeployment', { deploymentId: bad }), [
    400,
    { __type: 'UnknownOperationException' },
  ]);
  t.match(callerIdentityXml('123'), '<Account>123</Account>');
  const post = (body: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve) => {
      const req = request(`${api.url}/`, { method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.end(body);
    });
  t.same(await post('Action=ListUsers'), {
    status: 400,
    body: 'the rehearsal fakes only STS GetCallerIdentity and CodeDeploy reads',
  });
  t.match(await post('{', { 'x-amz-target': 'CodeDeploy_20141006.GetDeployment' }), {
    status: 400,
    body: /^not a request the fake can read: SyntaxError/,
  });
});
