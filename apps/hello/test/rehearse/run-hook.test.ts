import t from 'tap';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runHook } from '../../rehearse/run-hook.js';

const script = (dir: string, name: string, body: string, mode = 0o644): string => {
  writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`, { mode });
  return join(dir, name);
};

t.test('runs the script with cwd=/ and only the given environment', async (t) => {
  const dir = t.testdir({});
  const s = script(dir, 'a.sh', 'echo "cwd=$PWD event=$LIFECYCLE_EVENT home=${HOME:-unset}"; echo oops >&2');
  const r = await runHook(s, { LIFECYCLE_EVENT: 'BeforeInstall' }, 5);
  t.equal(statSync(s).mode & 0o111, 0o111, 'made executable first, as the agent does');
  t.same([r.ok, r.exitCode, r.timedOut], [true, 0, false]);
  t.match(r.output, 'cwd=/ event=BeforeInstall home=unset\noops\n');
});

t.test('a failing script fails the hook', async (t) => {
  const r = await runHook(script(t.testdir({}), 'b.sh', 'exit 3', 0o755), {}, 5);
  t.same([r.ok, r.exitCode], [false, 3]);
});

t.test('the timeout kills the hook and what it started', async (t) => {
  const started = Date.now();
  const r = await runHook(script(t.testdir({}), 'c.sh', 'sleep 30 & wait', 0o755), {}, 0.3);
  t.same([r.ok, r.timedOut], [false, true]);
  t.ok(Date.now() - started < 5000);
});

t.test('a script that cannot start fails with the reason', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'd.sh'), '#!/nonexistent/interpreter\n', { mode: 0o755 });
  const r = await runHook(join(dir, 'd.sh'), {}, 5);
  t.equal(r.ok, false);
  t.match(r.output, /ENOENT/);
});
