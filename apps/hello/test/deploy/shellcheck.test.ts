// shellcheck on every bash script of the release (apt package: shellcheck).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const hooksDir = join(appDir, 'deploy/hooks');
const scripts = [
  ...readdirSync(hooksDir)
    .filter((f) => f.endsWith('.sh'))
    .map((f) => join(hooksDir, f)),
];
const shellcheck = (files: string[]) =>
  spawnSync('shellcheck', ['--external-sources', '--severity=style', ...files], { cwd: hooksDir, encoding: 'utf8' });
const installed = shellcheck(['--version']).error === undefined;

t.test(
  'the hooks are shellcheck clean',
  { skip: installed ? false : 'shellcheck is not installed (apt-get install -y shellcheck)' },
  async (t) => {
    t.ok(scripts.length >= 6, `${scripts.length} scripts`);
    const result = shellcheck(scripts);
    t.equal(result.stdout + result.stderr, '', 'no findings');
    t.equal(result.status, 0);
  },
);

t.test('the check catches a real mistake', { skip: installed ? false : 'shellcheck is not installed' }, async (t) => {
  const bad = join(t.testdir({}), 'bad.sh');
  writeFileSync(bad, '#!/usr/bin/env bash\nrm -rf $1/*\n');
  const result = shellcheck([bad]);
  t.not(result.status, 0);
  t.match(result.stdout, /SC2086/);
});
