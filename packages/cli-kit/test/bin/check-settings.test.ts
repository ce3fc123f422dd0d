// bin/check-settings.ts as the root scripts run it: plain node with type stripping, on a settings file.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const BIN = fileURLToPath(new URL('../../bin/check-settings.ts', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** The same flags as the root package.json's check:settings script. */
function checkSettings(args: string[], env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', BIN, ...args],
    { encoding: 'utf8', env: { ...process.env, DEBUG: '', ...env } },
  );
}

t.test('valid settings: silent, exit 0', async (t) => {
  const run = checkSettings([fixture('project.ts')]);
  t.same([run.status, run.stdout, run.stderr], [0, '', '']);
});

t.test('invalid settings: the problem list in a few lines, exit 1; the stack only when asked', async (t) => {
  const run = checkSettings([fixture('invalid-settings.ts')]);
  t.equal(run.status, 1);
  t.equal(run.stdout, '');
  // The same text the settings module throws, once, and nothing else.
  const thrown = (await import(fixture('invalid-settings.ts')).catch((e: unknown) => e)) as Error;
  t.equal(thrown.name, 'ProjectConfigError');
  t.equal(run.stderr, `error: ${thrown.message}\n`);
  t.match(run.stderr, /aws\.account: "12345"/);
  for (const [args, env] of [
    [['--verbose'], {}],
    [[], { DEBUG: '1' }],
  ] as const) {
    const verbose = checkSettings([fixture('invalid-settings.ts'), ...args], env);
    t.equal(verbose.status, 1);
    t.match(verbose.stderr, /^error: invalid project settings[^]*\n\s+at /, 'with the frames');
  }
});

t.test('without a settings module: a usage error, exit 2', async (t) => {
  const run = checkSettings([]);
  t.equal(run.status, 2);
  t.match(run.stderr, /^error: check-settings takes one argument, the settings module/);
});
