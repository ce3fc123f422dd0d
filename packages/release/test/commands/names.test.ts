import t from 'tap';
import { runRelease } from '../../src/run-release.ts';
import { mockAws, testDeps } from '../release-test-deps.ts';

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
