// hostUserData's guards: values end up unquoted in a root shell script.
import t from 'tap';
import { hostUserData, type HostUserDataProps } from '../../src/constructs/host-user-data.js';

const base: HostUserDataProps = {
  region: 'us-east-1', nodeMajor: 24, nodeBin: '/usr/bin/node', serviceUser: 'hello',
  directories: { root: '/opt/hello', releases: '/opt/hello/releases', config: '/etc/hello', tls: '/etc/hello/tls', logs: '/var/log/hello' },
  cloudWatchAgentConfigJson: '{}',
};

t.test('retries are configurable', async (t) => {
  // The retry loop gives up after the configured attempts.
  t.match(hostUserData({ ...base, attempts: 2 }).render(), 'if [ "$n" -ge 2 ]');
});

t.test('attempts must be a whole number >= 1', async (t) => {
  t.throws(() => hostUserData({ ...base, attempts: 0 }), { message: 'hostUserData attempts: 0 is not allowed; expected a whole number >= 1' });
});

t.test('Node majors without AL2023 packages are refused', async (t) => {
  t.throws(() => hostUserData({ ...base, nodeMajor: 18 }), { message: /hostUserData nodeMajor: 18 is not allowed/ });
});

t.test('shell metacharacters are refused', async (t) => {
  // A `;` in a value would run a second command as root on every host.
  t.throws(() => hostUserData({ ...base, serviceUser: 'x; rm -rf /' }), { message: /hostUserData serviceUser: "x; rm -rf \/" is not allowed/ });
  t.throws(() => hostUserData({ ...base, directories: { ...base.directories, logs: '/var/log/$(id)' } }), { message: /hostUserData directories.logs: .* is not allowed/ });
});
