// The revisions the rehearsal derives from the release zip, on a small release of the same shape.
import t from 'tap';
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { HOST_PATHS } from '@hello/config/constants';
import {
  hostValuesOf,
  readRelease,
  releaseVersionOf,
  repackRelease,
  serverEntry,
  serverEntryOf,
  withBrokenServer,
  withVersion,
} from '../src/release-zip.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const server = enc('serve()');
const unit = `[Service]\nExecStart=/usr/bin/node --flag ${HOST_PATHS.current}/app/server.mjs\n`;
const files = { 'app/server.mjs': sha(server), 'deploy/x.service': sha(enc(unit)) };
const release = zipSync({
  'release.json': enc(JSON.stringify({ name: 'x', version: 'v1', builtAt: 'then', files })),
  app: { 'server.mjs': server },
  deploy: { 'x.service': enc(unit) },
  hooks: { 'host.env': enc('# generated\nUNIT_NAME=x.service\nVALIDATE_TIMEOUT_SECONDS=60\nnot a value\n') },
  empty: {},
});
const manifest = (zip: Uint8Array) => JSON.parse(dec(readRelease(zip)['release.json'])) as Record<string, unknown>;

t.test('version and host values of the release', async (t) => {
  t.equal(releaseVersionOf(release), 'v1');
  t.same(hostValuesOf(release), { UNIT_NAME: 'x.service', VALIDATE_TIMEOUT_SECONDS: '60' });
  t.notOk('empty/' in readRelease(release), 'directory entries are not files');
});

t.test('revision A: the same files under another version', async (t) => {
  const a = withVersion(release, 'rehearsal-a');
  t.same(manifest(a), { name: 'x', version: 'rehearsal-a', builtAt: 'then', files });
  t.equal(dec(readRelease(a)['app/server.mjs']), 'serve()');
  t.throws(() => withVersion(release, 'a/b'), /version "a\/b" is not allowed/);
});

t.test('the broken revision: its server exits at start, and release.json still verifies', async (t) => {
  const broken = readRelease(withBrokenServer(release, 'rehearsal-broken', 'deploy/x.service'));
  const entry = broken['app/server.mjs']!;
  t.match(dec(entry), /process\.exit\(1\)/);
  t.same(JSON.parse(dec(broken['release.json'])), {
    name: 'x',
    version: 'rehearsal-broken',
    builtAt: 'then',
    files: { ...files, 'app/server.mjs': sha(entry) },
  });
  t.throws(() => withBrokenServer(release, 'b', 'deploy/none.service'), /the zip has no deploy\/none\.service/);
});

t.test('the server file is the one ExecStart runs from current', async (t) => {
  t.equal(serverEntryOf(unit), 'app/server.mjs');
  t.throws(() => serverEntryOf('ExecStart=/bin/true\n'), /ExecStart runs no file below .*current\/: \/bin\/true/);
  t.throws(() => serverEntryOf('[Service]\n'), /\(none\)/);
});

t.test('a zip that is not a release says so', async (t) => {
  const other = zipSync({ 'a.txt': enc('a') });
  t.throws(() => releaseVersionOf(other), /the zip has no release\.json: not a release made by `pnpm package`/);
  t.throws(() => hostValuesOf(other), /the zip has no hooks\/host\.env/);
  t.throws(() => releaseVersionOf(zipSync({ 'release.json': enc('{}') })), /release\.json has no version or no files/);
});

t.test('a file replaced after publishing: release.json still names the old one', async (t) => {
  const changed = enc('changed');
  const m = manifest(repackRelease(release, 'v2', { 'app/server.mjs': changed }, { verified: false }));
  t.same(m.files, files, 'the sha256 of what was published');
  t.equal(serverEntry(release, 'deploy/x.service'), 'app/server.mjs');
  t.throws(() => serverEntry(release, 'deploy/none.service'), /the zip has no deploy\/none\.service/);
});
