import t from 'tap';
import { parseReleaseManifest, sha256 } from '../../host/release-manifest.ts';

const hash = sha256('x');
const good = {
  name: 'hello',
  version: 'abc123',
  builtAt: '2026-01-01T00:00:00.000Z',
  node: { build: 'v20', target: 'node20', hostMajor: 24 },
  files: { 'app/server.mjs': hash },
};

t.test('accepts a well-formed manifest', async (t) => {
  t.equal(parseReleaseManifest(JSON.stringify(good)).version, 'abc123');
  t.equal(sha256('x'), '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
});

t.test('names every problem', async (t) => {
  t.throws(() => parseReleaseManifest('{', 'r.json'), /r\.json: not valid JSON/);
  t.throws(() => parseReleaseManifest('null'), /version undefined.*\n.*files: expected an object/s);
  t.throws(
    () => parseReleaseManifest(JSON.stringify({ ...good, version: 'a b' })),
    /version "a b": expected 1-64 letters/,
  );
  t.throws(() => parseReleaseManifest(JSON.stringify({ ...good, files: {} })), /at least one file/);
  t.throws(
    () => parseReleaseManifest(JSON.stringify({ ...good, files: { '../etc/passwd': hash } })),
    /"\.\.\/etc\/passwd" is not a relative path inside the release/,
  );
  t.throws(
    () => parseReleaseManifest(JSON.stringify({ ...good, files: { 'release.json': hash } })),
    /"release\.json" is not a relative path/,
  );
  t.throws(() => parseReleaseManifest(JSON.stringify({ ...good, files: { 'a/./b': hash } })), /is not a relative path/);
  t.throws(
    () => parseReleaseManifest(JSON.stringify({ ...good, files: { a: 'ABC' } })),
    /files\["a"\]: expected a lowercase sha256 hex digest, got "ABC"/,
  );
});
