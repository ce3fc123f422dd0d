// The stand-in's hook executor, with the agent's messages (hook_executor.rb).
import t from 'tap';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendToLog, runHook } from '../src/run-hook.ts';
import { asRoot } from './helpers/as-root.ts';

const script = (dir: string, name: string, body: string, mode = 0o644): void =>
  writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`, { mode });

t.test('runs the scripts in order with cwd=/, a minimal PATH and the given environment', asRoot, async (t) => {
  const dir = t.testdir({});
  script(dir, 'a.sh', 'echo "cwd=$PWD path=$PATH event=$LIFECYCLE_EVENT"; echo oops >&2');
  script(dir, 'b.sh', 'echo "second as $(id -un)"', 0o755);
  const r = await runHook(
    dir,
    [
      { location: 'a.sh', timeout: 5 },
      { location: 'b.sh', timeout: 5, runas: 'root' },
    ],
    { LIFECYCLE_EVENT: 'BeforeInstall' },
  );
  t.equal(statSync(join(dir, 'a.sh')).mode & 0o111, 0o111, 'made executable first, as the agent does');
  t.equal(r.ok, true, r.error ?? 'ok');
  t.match(r.output, 'cwd=/ path=/usr/bin:/bin event=BeforeInstall\noops\nsecond as root\n');
});

t.test("failures carry the agent's messages", asRoot, async (t) => {
  const dir = t.testdir({});
  script(dir, 'b.sh', 'exit 3', 0o755);
  t.same(
    (await runHook(dir, [{ location: 'b.sh', timeout: 5 }], {})).error,
    'Script at specified location: b.sh failed with exit code 3',
  );
  t.same(
    (await runHook(dir, [{ location: 'b.sh', timeout: 5, runas: 'root' }], {})).error,
    'Script at specified location: b.sh run as user root failed with exit code 3',
  );
  t.same(
    (await runHook(dir, [{ location: 'none.sh', timeout: 5 }], {})).error,
    `Script does not exist at specified location: ${join(dir, 'none.sh')}`,
  );
  const nobody = await runHook(dir, [{ location: 'b.sh', timeout: 5, runas: 'no-such-user-here' }], {});
  t.match(
    nobody.error,
    /^Script at specified location: b\.sh run as user no-such-user-here failed with exit code 1$/,
    'su refuses an unknown user',
  );
  script(dir, 'k.sh', 'kill -9 $$', 0o755);
  t.same(
    (await runHook(dir, [{ location: 'k.sh', timeout: 5 }], {})).error,
    'Script at specified location: k.sh failed with exit code ',
    'killed by a signal: no exit status (Ruby prints nil as nothing)',
  );
  writeFileSync(join(dir, 'd.sh'), '#!/nonexistent/interpreter\n', { mode: 0o755 });
  t.match(
    (await runHook(dir, [{ location: 'd.sh', timeout: 5 }], {})).error,
    /^Script at specified location: d\.sh failed with error ENOENT with message /,
  );
});

t.test('the timeout ends the script and what it started (SIGTERM to its group)', async (t) => {
  const dir = t.testdir({});
  script(dir, 'c.sh', 'sleep 30 & wait', 0o755);
  const started = Date.now();
  const r = await runHook(dir, [{ location: 'c.sh', timeout: 0.3 }], {});
  t.same(
    [r.ok, r.error, r.errorCode],
    [false, 'Script at specified location: c.sh failed to complete in 0.3 seconds', 'ScriptTimedOut'],
  );
  t.ok(Date.now() - started < 10_000, 'not the 30 s the script wanted');
});

t.test("the event's log, as the agent reports it: prefixed lines, its last 2 KiB", async (t) => {
  const dir = t.testdir({});
  script(dir, 'a.sh', 'echo one; echo two >&2; printf "no newline"', 0o755);
  script(dir, 'b.sh', 'exit 2', 0o755);
  const r = await runHook(
    dir,
    [
      { location: 'a.sh', timeout: 5 },
      { location: 'b.sh', timeout: 5 },
    ],
    { LIFECYCLE_EVENT: 'AfterInstall' },
  );
  t.same([r.errorCode, r.script], ['ScriptFailed', 'b.sh']);
  t.equal(
    r.log,
    'LifecycleEvent - AfterInstall\nScript - a.sh\n[stdout]one\n[stderr]two\n[stdout]no newlineScript - b.sh\n',
  );
  const ok = await runHook(dir, [{ location: 'a.sh', timeout: 5 }], {});
  t.match(ok.log, /^LifecycleEvent - \nScript - a\.sh\n/);
  t.equal((await runHook(dir, [{ location: 'none.sh', timeout: 5 }], {})).errorCode, 'ScriptMissing');
});

t.test('ScriptLog keeps the newest entries under 2048 characters (hook_executor.rb)', async (t) => {
  const big = 'x'.repeat(1000);
  let log: string[] = [];
  for (const entry of ['a', big, big, 'b']) log = appendToLog(log, entry);
  t.same(log, [big, 'b'], "the oldest go first, by the agent's own count");
  t.same(appendToLog(['a'], 'b'), ['a', 'b']);
  t.same(appendToLog([], 'y'.repeat(3000)), [], 'an entry alone over the bound is not kept');
});
