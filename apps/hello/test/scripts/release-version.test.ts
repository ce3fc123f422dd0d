import t from 'tap';
import { resolveReleaseVersion, type Git } from '../../scripts/release-version.ts';

const git =
  (answers: Record<string, string>): Git =>
  (args) => {
    const answer = answers[args.join(' ')];
    if (answer === undefined) throw new Error('not a git repository');
    return answer;
  };
const inRepo = git({ 'rev-parse HEAD': 'abc123', 'log -1 --format=%cI': '2026-05-06T07:08:09+02:00' });

t.test('--version, then RELEASE_VERSION, then the commit', async (t) => {
  t.same(resolveReleaseVersion({ flag: 'v1', env: { RELEASE_VERSION: 'v2' }, git: inRepo }).source, '--version');
  t.equal(resolveReleaseVersion({ env: { RELEASE_VERSION: 'v2' }, git: inRepo }).version, 'v2');
  const fromGit = resolveReleaseVersion({ env: { RELEASE_VERSION: '' }, git: inRepo });
  t.same([fromGit.version, fromGit.source], ['abc123', 'git HEAD']);
  t.equal(fromGit.builtAt.toISOString(), '2026-05-06T05:08:09.000Z', 'the commit time, not the clock');
});

t.test('SOURCE_DATE_EPOCH wins over the commit time', async (t) => {
  const r = resolveReleaseVersion({ env: { SOURCE_DATE_EPOCH: '1700000000' }, git: inRepo });
  t.equal(r.builtAt.toISOString(), '2023-11-14T22:13:20.000Z');
  t.throws(
    () => resolveReleaseVersion({ env: { SOURCE_DATE_EPOCH: 'yesterday' }, git: inRepo }),
    /SOURCE_DATE_EPOCH="yesterday" is not allowed/,
  );
});

t.test('clear errors outside git and for bad versions', async (t) => {
  t.throws(() => resolveReleaseVersion({ env: {}, git: git({}) }), /no release version: pass --version/);
  t.throws(() => resolveReleaseVersion({ flag: 'v1', env: {}, git: git({}) }), /no build time: set SOURCE_DATE_EPOCH/);
  t.throws(
    () => resolveReleaseVersion({ flag: 'v1', env: {}, git: git({ 'log -1 --format=%cI': '' }) }),
    /no build time/,
  );
  t.throws(
    () => resolveReleaseVersion({ env: { RELEASE_VERSION: '../x' }, git: inRepo }),
    /release version "\.\.\/x" \(from RELEASE_VERSION\) is not allowed/,
  );
});
