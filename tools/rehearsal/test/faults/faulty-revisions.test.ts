// Revisions with a fault in them, made from a small release of the service's shape.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { parse } from 'yaml';
import { HOST_PATHS } from '@hello/config/constants';
import { crashingOn, hangingHook, tampered } from '../../src/faults/faulty-revisions.ts';
import { readRelease, releaseText } from '../../src/release-zip.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const files: Record<string, Uint8Array> = {
  'app/server.mjs': enc("console.log('the real server');\n"),
  'deploy/x.service': enc(`[Service]\nExecStart=/usr/bin/node ${HOST_PATHS.current}/app/server.mjs\n`),
  'hooks/after-install.sh': enc('#!/usr/bin/env bash\necho installing\n'),
  'appspec.yml': enc(
    'version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: hooks/after-install.sh\n      timeout: 120\n',
  ),
};
const manifest = { version: 'v1', files: Object.fromEntries(Object.entries(files).map(([p, d]) => [p, sha(d)])) };
const release = zipSync({ ...files, 'release.json': enc(JSON.stringify(manifest)) });

/** Whether every file release.json lists matches it, and the files that do not. */
function verify(zip: Uint8Array): { version: string; mismatched: string[] } {
  const all = readRelease(zip);
  const m = JSON.parse(releaseText(all['release.json']!)) as typeof manifest;
  return {
    version: m.version,
    mismatched: Object.entries(m.files)
      .filter(([p, h]) => sha(all[p]!) !== h)
      .map(([p]) => p),
  };
}

/** The release unpacked below `dir`/hosts/`host`, its server run from there. */
function runOn(zip: Uint8Array, dir: string, host: string) {
  const root = join(dir, 'hosts', host);
  for (const [path, data] of Object.entries(readRelease(zip))) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
  return spawnSync(process.execPath, ['app/server.mjs'], { cwd: root, encoding: 'utf8' });
}

t.test('a server that crashes on one host only, and runs the real one elsewhere', async (t) => {
  const zip = crashingOn(release, 'v-crash', 'deploy/x.service', 'h2');
  t.same(verify(zip), { version: 'v-crash', mismatched: [] }, 'release.json lists both files as they are');
  const dir = t.testdir({});
  const on2 = runOn(zip, dir, 'h2');
  t.same([on2.status, on2.stderr], [1, 'rehearsal: this revision crashes on h2\n']);
  const on1 = runOn(zip, dir, 'h1');
  t.same([on1.status, on1.stdout], [0, 'the real server\n']);
});

t.test('a hook that hangs, with the timeout its appspec gives it', async (t) => {
  const zip = hangingHook(release, 'v-hang', 'AfterInstall', 3);
  const all = readRelease(zip);
  t.same((parse(releaseText(all['appspec.yml']!)) as { hooks: Record<string, unknown> }).hooks.AfterInstall, [
    { location: 'hooks/after-install.sh', timeout: 3 },
  ]);
  t.equal(
    releaseText(all['hooks/after-install.sh']!).split('\n')[1],
    'sleep 3600 # rehearsal: AfterInstall hangs past its timeout',
  );
  t.same(verify(zip).mismatched, []);
  t.throws(() => hangingHook(release, 'v', 'ApplicationStop', 3), /the release's appspec has no ApplicationStop hook/);
});

t.test('an object changed after it was published: release.json no longer matches it', async (t) => {
  const zip = tampered(release, 'v-tampered', 'deploy/x.service');
  t.same(verify(zip), { version: 'v-tampered', mismatched: ['app/server.mjs'] });
  t.match(releaseText(readRelease(zip)['app/server.mjs']!), /changed after it was published/);
});
