// The rehearsal's systemctl stand-in, with a unit whose process is a shell loop.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ctlPath = join(dirname(fileURLToPath(import.meta.url)), '../../rehearse/service-ctl.sh');

t.test('start, is-active, stop, restart on exit, and errors', async (t) => {
  const dir = t.testdir({ units: {}, state: {}, 'env': 'GREETING=hi\nnot a variable\n' });
  const out = join(dir, 'out.log');
  // ExecStart is a script in the test directory, whose body each case sets.
  const unit = (body: string) => {
    writeFileSync(join(dir, 'main.sh'), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    writeFileSync(join(dir, 'units', 'x.service'), [
      '[Service]', `EnvironmentFile=${join(dir, 'env')}`, `WorkingDirectory=${dir}`, `ExecStart=${join(dir, 'main.sh')} --flag`,
      'RestartSec=0.1', 'TimeoutStopSec=2', `StandardOutput=append:${out}`, '',
    ].join('\n'));
  };
  const ctl = (...args: string[]) => spawnSync(ctlPath, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HELLO_UNIT_DIR: join(dir, 'units'), HELLO_SUPERVISOR_DIR: join(dir, 'state') } });
  t.teardown(() => ctl('stop', 'x.service'));

  unit('echo "$GREETING from $PWD with $1"; exec sleep 30');
  t.equal(ctl('daemon-reload').status, 0);
  t.equal(ctl('enable', 'x.service').status, 0);
  t.equal(ctl('is-active', 'x.service').status, 3, 'inactive before start');
  t.equal(ctl('start', 'x.service').status, 0);
  t.equal(ctl('start', 'x.service').status, 0, 'start is idempotent');
  t.equal(ctl('is-active', 'x.service').stdout, 'active\n');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(readFileSync(out, 'utf8'), `hi from ${dir} with --flag\n`, 'env file, working directory and arguments as the unit says');
  t.equal(ctl('stop', 'x.service').status, 0);
  t.equal(ctl('is-active', 'x.service').stdout, 'inactive\n');
  t.equal(ctl('stop', 'x.service').status, 0, 'stopping a stopped unit succeeds');

  // A process that ignores SIGTERM is killed after TimeoutStopSec.
  unit("trap '' TERM; sleep 30 & wait");
  t.equal(ctl('restart', 'x.service').status, 0);
  const stop = ctl('stop', 'x.service');
  t.match(stop.stderr, /did not stop within 2s: SIGKILL/);

  // Restart=always: a process that exits is started again.
  unit('exit 1');
  t.equal(ctl('start', 'x.service').status, 0);
  await new Promise((r) => setTimeout(r, 600));
  t.equal(ctl('stop', 'x.service').status, 0);
  t.match(readFileSync(out, 'utf8'), /restarting in 0\.1s \(Restart=always\)/);

  t.equal(ctl('stop', 'missing.service').status, 5, 'unknown units are "not loaded", like systemctl');
  t.equal(ctl('bogus', 'x.service').status, 2);
  t.equal(ctl().status, 2);
});
