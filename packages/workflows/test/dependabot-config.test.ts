// dependabot.yml keeps npm packages and pinned actions current, grouped and after a cooldown.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/lint-repository.ts';

interface Update {
  'package-ecosystem': string;
  directory?: string;
  directories?: string[];
  cooldown?: Record<string, number>;
  groups?: Record<string, unknown>;
}

const config = parse(readFileSync(`${REPO_ROOT}.github/dependabot.yml`, 'utf8')) as {
  version: number;
  updates: Update[];
};
const byEcosystem = new Map(config.updates.map((u) => [u['package-ecosystem'], u]));

void t.test('npm and github-actions updates, each grouped and cooled down', (t) => {
  t.equal(config.version, 2);
  t.same([...byEcosystem.keys()].sort(), ['github-actions', 'npm']);
  for (const [ecosystem, update] of byEcosystem) {
    t.ok((update.cooldown?.['default-days'] ?? 0) >= 1, `${ecosystem} has a cooldown`);
    t.ok(Object.keys(update.groups ?? {}).length > 0, `${ecosystem} is grouped`);
  }
  t.end();
});

void t.test('the composite setup action is updated with the workflows', (t) => {
  t.same(byEcosystem.get('github-actions')?.directories, ['/', '/.github/actions/*']);
  t.end();
});

void t.test('per-semver cooldowns only where Dependabot supports them (not for actions)', (t) => {
  t.same(Object.keys(byEcosystem.get('github-actions')?.cooldown ?? {}), ['default-days']);
  t.match(byEcosystem.get('npm')?.cooldown, { 'semver-major-days': Number });
  t.end();
});
