import t from 'tap';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTextFiles } from '../../scripts/bundle-text-files.js';
import { HOOK_TIMEOUT_SECONDS } from '../../scripts/hook-timeouts.js';
import { INCOMING_DIR } from '../../scripts/host-env.js';
import { parseAppspec } from '../../rehearse/appspec.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const text = bundleTextFiles(join(appDir, 'deploy')).find((f) => f.path === 'appspec.yml')!.text;

t.test('reads the packaged appspec', async (t) => {
  const a = parseAppspec(text);
  t.same(a.files, [{ source: '/', destination: INCOMING_DIR }]);
  t.equal(a.fileExistsBehavior, 'OVERWRITE');
  t.same(a.permissions.map((p) => [p.pattern, p.mode.toString(8), p.type]), [['**', '644', ['file']], ['**', '755', ['directory']], ['*.sh', '755', ['file']]]);
  t.same(a.hooks.ValidateService, { location: 'hooks/validate-service.sh', timeoutSeconds: HOOK_TIMEOUT_SECONDS.ValidateService, runas: 'root' });
});

const minimal = (extra: string): string => `version: 0.0\nos: linux\n${extra}`;
const hooks = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService']
  .map((h) => `  ${h}:\n    - location: hooks/x.sh\n      timeout: 5\n`).join('');

t.test('defaults and refusals', async (t) => {
  const a = parseAppspec(minimal(`hooks:\n${hooks}permissions:\n  - object: /opt/hello/incoming\n    mode: "0640"\n`));
  t.same(a.files, []);
  t.equal(a.fileExistsBehavior, 'DISALLOW');
  t.same(a.permissions[0], { object: '/opt/hello/incoming', pattern: '**', mode: 0o640, type: ['file', 'directory'] });
  t.equal(a.hooks.BeforeInstall.runas, 'root');
  t.throws(() => parseAppspec('version: 1\n'), /version is 1; expected 0\.0/);
  t.throws(() => parseAppspec(''), /version is undefined/);
  t.throws(() => parseAppspec('version: 0.0\nos: windows\n'), /os is "windows"; expected linux/);
  t.throws(() => parseAppspec(minimal('files: {}\n')), /files is \{\}; expected a list/);
  t.throws(() => parseAppspec(minimal('files:\n  - source: /\n    destination: relative\n')), /files\[0\] is .*; expected a source in the revision and an absolute destination/);
  t.throws(() => parseAppspec(minimal('file_exists_behavior: MERGE\n')), /file_exists_behavior is "MERGE"/);
  t.throws(() => parseAppspec(minimal('permissions:\n  - object: /x\n    mode: u+x\n')), /permissions\[0\] is .*numeric mode/);
  t.throws(() => parseAppspec(minimal('permissions:\n  - object: /x\n    mode: 644\n    type: [socket]\n')), /permissions\[0\]/);
  t.throws(() => parseAppspec(minimal('')), /hooks\.ApplicationStop is undefined/);
  t.throws(() => parseAppspec(minimal('hooks: {}\n')), /hooks\.ApplicationStop is undefined; expected one script/);
  t.throws(() => parseAppspec(minimal('hooks:\n  ApplicationStop: []\n')), /hooks\.ApplicationStop is \[\]; expected exactly one script/);
  t.throws(() => parseAppspec(minimal('hooks:\n  ApplicationStop:\n    - timeout: 5\n')), /hooks\.ApplicationStop\[0\]\.location is undefined/);
  t.throws(() => parseAppspec(minimal('hooks:\n  ApplicationStop:\n    - location: a.sh\n      timeout: 9999\n')), /timeout is 9999; expected whole seconds from 1 to 3600/);
  t.throws(() => parseAppspec(minimal('hooks:\n  ApplicationStop:\n    - location: a.sh\n')), /timeout is undefined/);
});
