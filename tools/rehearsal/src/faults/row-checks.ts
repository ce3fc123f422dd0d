// The checks every row of the matrix gets besides its scenario's own: requests at the load
// balancer, what each host serves, the stage whole again, `current` complete on every host, and
// what the release CLI said.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadCounts } from '../load-generator.ts';
import type { CliRun } from './release-watch.ts';
import { check, type Check, type ScenarioOutcome } from './scenario.ts';
import type { StageHost } from './stage.ts';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Where `current` points on the host right now. */
export function currentOf(host: StageHost): string {
  try {
    return readlinkSync(join(host.layout.root, 'current'));
  } catch {
    return 'none';
  }
}

/**
 * Whether `current` on the host names a release whose every file matches its release.json: a
 * half-installed release never becomes current.
 */
export function currentIsComplete(host: StageHost): Check {
  const what = `${host.name}: current names a complete release`;
  const target = currentOf(host);
  const dir = join(host.layout.root, target);
  if (target === 'none' || !existsSync(join(dir, 'release.json'))) return check(what, false, `current -> ${target}`);
  const manifest = JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8')) as { files: Record<string, string> };
  const bad = Object.entries(manifest.files).filter(
    ([f, h]) => !existsSync(join(dir, f)) || sha256(join(dir, f)) !== h,
  );
  return check(what, bad.length === 0, `${target}: ${bad.map(([f]) => f).join(', ')}`);
}

/**
 * The scenario's own checks, then requests, versions, whole again, and `current` on every host:
 * checked as the scenario ends.
 */
export function stageChecks(
  o: ScenarioOutcome,
  load: LoadCounts,
  serving: Readonly<Record<string, string>>,
  wholeMs: number | undefined,
  hosts: readonly StageHost[],
): Check[] {
  const checks: Check[] = [...o.checks];
  if (o.maxFailed !== undefined)
    checks.push(
      check(
        `at most ${o.maxFailed} failed request(s) at the load balancer`,
        load.failed <= o.maxFailed,
        `${load.failed} failed: ${load.failures.join(' | ')}`,
      ),
    );
  const versions = Object.entries(serving);
  checks.push(
    check(
      `every host serves ${o.version}`,
      versions.length > 0 && versions.every(([, v]) => v === o.version),
      versions.map(([h, v]) => `${h} ${v}`).join(', '),
    ),
    check('the stage is whole again', wholeMs !== undefined, 'not within the bound'),
    ...hosts.map(currentIsComplete),
  );
  return checks;
}

/** What the release CLI must do: exit 0 on success; else exit non-zero and name host, event, cause. */
export function cliChecks(o: ScenarioOutcome, cli: CliRun): Check[] {
  const { expect, names = [] } = o.watch!;
  if (expect === 'Succeeded')
    return [check('the release CLI exits 0', cli.code === 0, `exit ${cli.code}: ${cli.stderr}`)];
  const missing = names.filter((n) => !cli.stderr.includes(n));
  return [
    check('the release CLI exits non-zero', cli.code !== 0, `exit ${cli.code}`),
    check(
      `the release CLI names ${names.join(', ')}`,
      missing.length === 0,
      `no ${missing.join(', ')} in: ${cli.stderr}`,
    ),
  ];
}
