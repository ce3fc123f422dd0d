// shellcheck on the rehearsal's own scripts (apt package: shellcheck).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '../src');
const scripts = readdirSync(src)
  .filter((f) => f.endsWith('.sh'))
  .map((f) => join(src, f));
const shellcheck = (files: string[]) =>
  spawnSync('shellcheck', ['--external-sources', '--severity=style', ...files], { cwd: src, encoding: 'utf8' });
const installed = shellcheck(['--version']).error === undefined;

t.test(
  'the supervisor and the namespace init are shellcheck clean',
  { skip: installed ? false : 'shellcheck is not installed (apt-get install -y shellcheck)' },
  async (t) => {
    t.same(
      scripts.map((s) => s.slice(src.length + 1)),
      ['namespace-init.sh', 'service-ctl.sh'],
    );
    const result = shellcheck(scripts);
    t.equal(result.stdout + result.stderr, '', 'no findings');
    t.equal(result.status, 0);
  },
);
