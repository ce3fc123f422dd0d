// The server bundle's first statement: with COMPILE_CACHE_ONLY_ENV=1 it exits 0 before any of
// the service runs, after Node compiled it (which is when Node makes the compile cache entry).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILE_CACHE_ONLY_ENV } from '@hello/config/constants';
import { COMPILE_CACHE_GUARD, SERVER_FILE, bundleServer } from '../../scripts/bundle-code.ts';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = t.testdir({});
for (const file of await bundleServer(appDir, 'src/server.ts')) {
  mkdirSync(dirname(join(dir, file.path)), { recursive: true });
  writeFileSync(join(dir, file.path), file.data);
}
const server = join(dir, SERVER_FILE);
// No service variables at all: the service itself would refuse to start (no TLS files). Through
// `env -u NODE_OPTIONS`: tap puts its coverage loaders there, which would add cache entries.
const run = (env: Record<string, string>) =>
  spawnSync('env', ['-u', 'NODE_OPTIONS', process.execPath, server], { env, encoding: 'utf8', timeout: 20_000 });

t.test('the guard is the first line and exits 0 at once, silently', async (t) => {
  t.equal(readFileSync(server, 'utf8').split('\n')[0], COMPILE_CACHE_GUARD);
  const started = performance.now();
  const guarded = run({ [COMPILE_CACHE_ONLY_ENV]: '1' });
  t.same(
    { status: guarded.status, stdout: guarded.stdout, stderr: guarded.stderr },
    { status: 0, stdout: '', stderr: '' },
  );
  t.ok(performance.now() - started < 10_000, 'no listening, no waiting');
  const service = run({ [COMPILE_CACHE_ONLY_ENV]: '0' });
  t.equal(service.status, 1, 'any other value runs the service (which here has no certificate)');
  t.match(service.stderr, /hello: cannot start/);
});

t.test('and Node has written the compile cache by then', async (t) => {
  const cache = join(dir, 'compile-cache');
  t.equal(run({ [COMPILE_CACHE_ONLY_ENV]: '1', NODE_COMPILE_CACHE: cache }).status, 0);
  const tags = readdirSync(cache);
  t.match(
    tags,
    [new RegExp(`^v${process.versions.node}-.*-${process.getuid!()}$`)],
    'one directory for this Node and this uid',
  );
  t.equal(readdirSync(join(cache, tags[0]!)).length, 1, 'one entry: the one module');
});
