// The agent's Install planning rules that the lifecycle tests do not reach, each with the real
// agent's text (installer.rb, install_instruction.rb).
import t, { type Test } from 'tap';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { install, matchesSimpleGlob, type InstallOptions } from '../src/agent-installer.ts';
import { parseAppspec } from '../src/appspec.ts';
import { asRoot } from './helpers/as-root.ts';

function setup(t: Test) {
  const dir = t.testdir({
    archive: {
      'a.txt': 'a',
      'b.txt': 'b',
      sub: { 'c.txt': 'c', deep: { 'd.txt': 'd' } },
      other: { deep: 'a file named like a directory' },
    },
    host: {},
  });
  const o: InstallOptions = {
    archiveDir: join(dir, 'archive'),
    instructionsDir: join(dir, 'instructions'),
    deploymentGroupId: 'g1',
    fileExistsBehavior: 'DISALLOW',
    mapPath: (p) => join(dir, 'host', p),
  };
  const run = (yaml: string) => install(parseAppspec(`version: 0.0\nos: linux\n${yaml}`), o);
  return { dir, o, run, host: join(dir, 'host') };
}

t.test('simple globs: * only, never across a /', async (t) => {
  t.same(
    ['a.sh', 'x.sh.bak', 'dir/a.sh', '.sh', 'a.s?'].map((n) => matchesSimpleGlob(n, '*.sh')),
    [true, false, false, true, false],
  );
  t.equal(matchesSimpleGlob('a.s?', 'a.s?'), true, '? and other characters are literal');
});

t.test('a single file, missing ancestors, ownership, and the cleanup record', asRoot, async (t) => {
  const { run, host, dir } = setup(t);
  run(
    `files:\n  - source: sub/c.txt\n    destination: /opt/new/dir\npermissions:\n  - object: /opt/new/dir/c.txt\n    owner: root\n    group: root\n    mode: 600\n    type: [file]\n  - object: /opt\n    pattern: new\n    mode: 750\n    type: [directory]\n  - object: /opt/new/dir/c.txt\n    mode: 777\n    type: [directory]\n`,
  );
  t.equal(readFileSync(join(host, 'opt/new/dir/c.txt'), 'utf8'), 'c');
  t.equal(
    statSync(join(host, 'opt/new/dir/c.txt')).mode & 0o777,
    0o600,
    'a directory-only entry on a file is skipped, not a second match',
  );
  t.equal(statSync(join(host, 'opt/new/dir/c.txt')).uid, 0);
  t.equal(statSync(join(host, 'opt/new')).mode & 0o777, 0o750, 'an ancestor the install created');
  t.equal(
    readFileSync(join(dir, 'instructions/g1-cleanup'), 'utf8'),
    ['opt', 'opt/new', 'opt/new/dir', 'opt/new/dir/c.txt'].map((p) => `${join(host, p)}\n`).join(''),
  );
  mkdirSync(join(host, 'opt/new/keep'));
  writeFileSync(join(host, 'opt/new/keep/x'), "not the agent's");
  writeFileSync(
    join(dir, 'instructions/g1-cleanup'),
    `${readFileSync(join(dir, 'instructions/g1-cleanup'), 'utf8')}${join(host, 'opt/unfinished')}`,
  );
  run('');
  t.notOk(existsSync(join(host, 'opt/new/dir')), 'its files and emptied directories are removed');
  t.ok(existsSync(join(host, 'opt/new/keep/x')), 'a directory with other files stays');
  t.equal(readFileSync(join(dir, 'instructions/g1-cleanup'), 'utf8'), '', 'nothing installed this time');
});

t.test('owner or group alone', asRoot, async (t) => {
  const { run, host } = setup(t);
  run(
    'files:\n  - source: a.txt\n    destination: /o\n  - source: b.txt\n    destination: /o\npermissions:\n  - object: /o/a.txt\n    owner: root\n    type: [file]\n  - object: /o/b.txt\n    group: root\n    type: [file]\n',
  );
  t.same([statSync(join(host, 'o/a.txt')).uid, statSync(join(host, 'o/b.txt')).gid], [0, 0]);
});

t.test('two sources for one destination; a file where a directory is made', async (t) => {
  const { run, host } = setup(t);
  t.throws(
    () => run('files:\n  - source: a.txt\n    destination: /opt/x\n  - source: a.txt\n    destination: /opt/x\n'),
    {
      message: `The deployment failed because the application specification file specifies two source files named ${join(t.testdirName, 'archive/a.txt')} and ${join(t.testdirName, 'archive/a.txt')} for the same destination (${join(host, 'opt/x/a.txt')}). Remove one of the source file paths from the AppSpec file, and then try again.`,
    },
  );
  t.throws(
    () => run('files:\n  - source: sub\n    destination: /opt/y\n  - source: other\n    destination: /opt/y\n'),
    {
      message: `The deployment failed because the application specification file calls for installing the file ${join(t.testdirName, 'archive/other/deep')}, but a file with that name already exists at the location (${join(host, 'opt/y/deep')}). Update your AppSpec file or directory structure, and then try again.`,
    },
  );
  t.throws(
    () => run('files:\n  - source: other\n    destination: /opt/y\n  - source: sub\n    destination: /opt/y\n'),
    {
      message: `The deployment failed because the application specification file includes an mkdir command more than once for the same destination path (${join(host, 'opt/y/deep')}) from (${join(t.testdirName, 'archive/other/deep')}). Update the files section of the AppSpec file, and then try again.`,
    },
  );
  t.notOk(existsSync(join(host, 'opt/y/deep/d.txt')), 'a refused plan copies nothing');
});
