// hostUserData's guards: values end up unquoted in a root shell script.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { hostUserData, readinessCommands, type HostUserDataProps } from '../../src/constructs/host-user-data.ts';

const base: HostUserDataProps = {
  region: 'us-east-1',
  nodeMajor: 24,
  nodeBin: '/usr/bin/node',
  serviceUser: 'hello',
  directories: {
    root: '/opt/hello',
    releases: '/opt/hello/releases',
    config: '/etc/hello',
    tls: '/etc/hello/tls',
    logs: '/var/log/hello',
  },
  cloudWatchAgentConfigJson: '{}',
};

t.test('retries are configurable', async (t) => {
  // The retry loop gives up after the configured attempts.
  t.match(hostUserData({ ...base, attempts: 2 }).render(), 'if [ "$n" -ge 2 ]');
});

t.test('attempts must be a whole number >= 1', async (t) => {
  t.throws(() => hostUserData({ ...base, attempts: 0 }), {
    message: 'hostUserData attempts: 0 is not allowed; expected a whole number >= 1',
  });
});

t.test('Node majors without AL2023 packages are refused', async (t) => {
  t.throws(() => hostUserData({ ...base, nodeMajor: 18 }), { message: /hostUserData nodeMajor: 18 is not allowed/ });
});

t.test('shell metacharacters are refused', async (t) => {
  // A `;` in a value would run a second command as root on every host.
  t.throws(() => hostUserData({ ...base, serviceUser: 'x; rm -rf /' }), {
    message: /hostUserData serviceUser: "x; rm -rf \/" is not allowed/,
  });
  t.throws(() => hostUserData({ ...base, directories: { ...base.directories, logs: '/var/log/$(id)' } }), {
    message: /hostUserData directories.logs: .* is not allowed/,
  });
});

// The readiness wait runs under bash with stand-ins for `aws` and `curl` that answer like the real
// ones: the AWS CLI prints the queried value as text (`None` for a missing one) or an error naming
// the exception on stderr with a non-zero exit; curl -f fails on an HTTP error.
t.test('readiness: signal at once without a revision, after serving it otherwise, fail on other errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'readiness-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const readiness = {
    applicationName: 'shop-staging',
    deploymentGroupName: 'staging',
    versionUrl: 'https://127.0.0.1:8443/version',
    timeoutSeconds: 60,
  };
  const script = [
    'set -euo pipefail',
    'retry() { "$@"; }',
    ...readinessCommands(readiness, 'eu-west-1'),
    'echo READY',
  ].join('\n');
  const run = (aws: string, curl: string) => {
    writeFileSync(join(dir, 'aws'), `#!/bin/bash\necho "$*" >> ${dir}/calls\n${aws}\n`);
    writeFileSync(join(dir, 'curl'), `#!/bin/bash\necho "curl $*" >> ${dir}/calls\n${curl}\n`);
    chmodSync(join(dir, 'aws'), 0o755);
    chmodSync(join(dir, 'curl'), 0o755);
    writeFileSync(join(dir, 'calls'), '');
    const r = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin` },
      timeout: 20_000,
    });
    return {
      status: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      calls: spawnSync('cat', [join(dir, 'calls')], { encoding: 'utf8' }).stdout,
    };
  };
  // The stack's first create: the group does not exist yet.
  const first = run(
    'echo "An error occurred (DeploymentGroupDoesNotExistException) when calling the GetDeploymentGroup operation: No Deployment Group found for name: staging" >&2; exit 254',
    'exit 22',
  );
  t.equal(first.status, 0);
  t.match(first.stdout, 'READY');
  t.notMatch(first.calls, 'curl', 'nothing to wait for');
  // A group that has never succeeded: lastSuccessfulDeployment is absent.
  t.match(run('echo None', 'exit 22'), { status: 0, stdout: /READY/ });
  // A group with a revision: waits until the service answers that version.
  const served = run(
    'case "$*" in *get-deployment-group*) echo d-ABC123;; *get-deployment*) echo releases/4f1c0de.zip;; esac',
    'echo \'{"version":"4f1c0de","stage":"staging"}\'',
  );
  t.equal(served.status, 0);
  t.match(served.calls, '--deployment-id d-ABC123');
  t.match(served.calls, 'curl -fsk --max-time 5 https://127.0.0.1:8443/version');
  // Any other error (AccessDenied) fails the boot instead of signalling success.
  const denied = run(
    'echo "An error occurred (AccessDeniedException) when calling the GetDeploymentGroup operation" >&2; exit 254',
    'exit 22',
  );
  t.not(denied.status, 0);
  t.match(denied.stderr, 'AccessDeniedException');
  t.notMatch(denied.stdout, 'READY');
});

t.test('readiness settings are checked like every other value', async (t) => {
  const readiness = {
    applicationName: 'a',
    deploymentGroupName: 'g',
    versionUrl: 'https://127.0.0.1:8443/version',
    timeoutSeconds: 600,
  };
  t.throws(() => hostUserData({ ...base, readiness: { ...readiness, versionUrl: 'https://x/$(id)' } }), {
    message: /readiness.versionUrl: .* is not allowed/,
  });
  t.throws(() => hostUserData({ ...base, readiness: { ...readiness, timeoutSeconds: 5 } }), {
    message: 'hostUserData readiness.timeoutSeconds: 5 is not allowed; expected a whole number of seconds >= 60',
  });
  t.throws(() => hostUserData({ ...base, readiness: { ...readiness, applicationName: 'a b' } }), {
    message: /readiness.applicationName/,
  });
  // The logrotate timer is enabled on every host.
  t.match(hostUserData(base).render(), 'systemctl enable --now logrotate.timer');
});
