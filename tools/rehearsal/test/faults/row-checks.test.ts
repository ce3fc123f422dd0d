// The checks every row gets, on host trees of the layout the hooks write.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { emptyCounts } from '../../src/load-generator.ts';
import { hostLayout } from '../../src/host-layout.ts';
import { cliChecks, currentIsComplete, currentOf, stageChecks } from '../../src/faults/row-checks.ts';
import type { ScenarioOutcome } from '../../src/faults/scenario.ts';
import type { StageHost } from '../../src/faults/stage.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A host whose `current` names release `v1` (complete, or with a file `broken`). */
function host(t: Test, broken = false): StageHost {
  const dir = t.testdir({
    h1: {
      opt: {
        releases: {
          v1: {
            'release.json': JSON.stringify({ version: 'v1', files: { 'a.js': sha('a'), 'b.js': sha('b') } }),
            'a.js': 'a',
            ...(broken ? {} : { 'b.js': 'b' }),
          },
        },
      },
    },
  });
  const layout = hostLayout(dir, 'h1', 1);
  symlinkSync('releases/v1', join(layout.root, 'current'));
  return { name: 'h1', layout } as StageHost;
}

t.test('current names a complete release, or the check says what is missing', async (t) => {
  t.same(currentIsComplete(host(t)), { what: 'h1: current names a complete release', ok: true });
  t.same(currentIsComplete(host(t, true)), {
    what: 'h1: current names a complete release',
    ok: false,
    seen: 'releases/v1: b.js',
  });
  const bare = { name: 'h2', layout: hostLayout(t.testdir({}), 'h2', 1) } as StageHost;
  t.equal(currentOf(bare), 'none');
  t.match(currentIsComplete(bare), { ok: false, seen: 'current -> none' });
});

const outcome: ScenarioOutcome = { faultAt: 0, version: 'v1', maxFailed: 0, checks: [] };

t.test('requests, versions and a whole stage', async (t) => {
  const h = host(t);
  const clean = stageChecks(outcome, { ...emptyCounts(), sent: 10 }, { h1: 'v1' }, 1000, [h]);
  t.ok(
    clean.every((c) => c.ok),
    JSON.stringify(clean),
  );
  const bad = stageChecks(
    outcome,
    { sent: 10, failed: 2, versions: {}, failures: ['HTTP 503'] },
    { h1: 'v0' },
    undefined,
    [],
  );
  t.same(bad, [
    {
      what: 'at most 0 failed request(s) at the load balancer',
      ok: false,
      seen: '2 failed: HTTP 503',
    },
    { what: 'every host serves v1', ok: false, seen: 'h1 v0' },
    { what: 'the stage is whole again', ok: false, seen: 'not within the bound' },
  ]);
  t.equal(stageChecks({ ...outcome, maxFailed: undefined }, emptyCounts(), {}, 1, []).length, 2, 'no request goal');
});

t.test('the release CLI: exit 0 on success; non-zero and host, event, cause on failure', async (t) => {
  const watch = (expect: 'Succeeded' | 'Failed') => ({
    ...outcome,
    watch: { deploymentId: 'd-1', expect, names: ['h2', 'Install'] },
  });
  t.same(cliChecks(watch('Succeeded'), { code: 0, stdout: '', stderr: '' }), [
    { what: 'the release CLI exits 0', ok: true },
  ]);
  t.same(
    cliChecks(watch('Failed'), { code: 1, stdout: '', stderr: 'host h2 failed at Install' }).map((c) => c.ok),
    [true, true],
  );
  t.same(cliChecks(watch('Failed'), { code: 0, stdout: '', stderr: 'host h2' }), [
    { what: 'the release CLI exits non-zero', ok: false, seen: 'exit 0' },
    { what: 'the release CLI names h2, Install', ok: false, seen: 'no Install in: host h2' },
  ]);
  t.same(
    cliChecks({ ...outcome, watch: { deploymentId: 'd-1', expect: 'Failed' } }, { code: 1, stdout: '', stderr: '' })
      .length,
    2,
  );
});
