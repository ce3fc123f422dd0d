// The bench's service is the release as a host runs it: unpacked, its compile cache warmed by the
// hook's own step, started with the unit's ExecStart and Environment= (paths moved).
import t from 'tap';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { HOST_NODE_BIN, HOST_PATHS, NODE_MAJOR, SERVICE_NAME } from '@hello/config/constants';
import { newestZip, shippedCommand, unpackShipped } from '../../bench/shipped-bundle.ts';
import { buildRelease } from '../../scripts/build-release.ts';
import { RUNNING_NODE_MAJOR, nodeFlags } from '../../scripts/node-flags.ts';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');

t.test('newestZip picks the latest release zip and says how to make one', async (t) => {
  const dir = t.testdir({
    [`${SERVICE_NAME}-a.zip`]: '',
    [`${SERVICE_NAME}-b.zip`]: '',
    'other.zip': '',
    [`${SERVICE_NAME}-c.txt`]: '',
  });
  utimesSync(join(dir, `${SERVICE_NAME}-a.zip`), new Date(), new Date());
  utimesSync(join(dir, `${SERVICE_NAME}-b.zip`), new Date(1000), new Date(1000));
  t.equal(newestZip(dir), join(dir, `${SERVICE_NAME}-a.zip`));
  t.throws(
    () => newestZip(join(dir, 'missing')),
    /no release zip in .*missing: run `pnpm --filter @hello\/service\.\.\. build` and `pnpm --filter @hello\/service package` first/,
  );
});

t.test("shippedCommand moves the unit's host paths, in arguments and environment", async (t) => {
  const unit = `ExecStart=${[HOST_NODE_BIN, ...nodeFlags(NODE_MAJOR), `${HOST_PATHS.current}/app/server.mjs`].join(' ')}\nEnvironment=NODE_COMPILE_CACHE=${HOST_PATHS.compileCache} A=b\n`;
  t.same(shippedCommand(unit, '/tmp/x', NODE_MAJOR), {
    args: [...nodeFlags(NODE_MAJOR), '/tmp/x/app/server.mjs'],
    env: { NODE_COMPILE_CACHE: '/tmp/x/compile-cache', A: 'b' },
  });
  t.throws(
    () => shippedCommand('ExecStart=/opt/node x.mjs\n', '/tmp/x'),
    new RegExp(`ExecStart runs /opt/node, not ${HOST_NODE_BIN}`),
  );
});

t.test('shippedCommand passes the V8 options of the Node it runs on, and refuses a unit with others', async (t) => {
  const unit = (flags: readonly string[]) =>
    `ExecStart=${[HOST_NODE_BIN, ...flags, `${HOST_PATHS.current}/app/server.mjs`].join(' ')}\n`;
  for (const major of [22, 24, 26]) {
    t.same(
      shippedCommand(unit(nodeFlags(NODE_MAJOR)), '/tmp/x', major).args,
      [...nodeFlags(major), '/tmp/x/app/server.mjs'],
      `Node ${major}`,
    );
  }
  t.same(
    shippedCommand(unit(nodeFlags(NODE_MAJOR)), '/tmp/x').args,
    [...nodeFlags(RUNNING_NODE_MAJOR), '/tmp/x/app/server.mjs'],
    'this Node by default',
  );
  t.throws(
    () => shippedCommand(unit(['--other']), '/tmp/x', NODE_MAJOR),
    /ExecStart passes \["--other"\] to Node, not the flags rendered for Node \d+: /,
  );
});

t.test('unpackShipped unpacks the real release and warms its compile cache as the hook does', async (t) => {
  const dir = t.testdir({});
  const built = await buildRelease({
    appDir,
    version: 'bench',
    builtAt: new Date('2026-01-01T00:00:00Z'),
    outDir: dir,
  });
  const zip = join(dir, 'with-dir-entry.zip');
  writeFileSync(zip, zipSync({ ...unzipSync(readFileSync(built.zipPath)), 'extra/': new Uint8Array() }));
  const current = join(dir, 'current');
  const shipped = unpackShipped(zip, current);
  t.same(shipped.args, [...nodeFlags(RUNNING_NODE_MAJOR), join(current, 'app/server.mjs')]);
  t.same(shipped.env, { NODE_COMPILE_CACHE: join(current, 'compile-cache') });
  t.same(
    readdirSync(join(current, 'compile-cache')),
    shipped.compileCache.length > 0 ? [shipped.compileCache[0]!.split('/')[0]] : [],
  );
  t.match(shipped.compileCache, [new RegExp(`^v${process.versions.node}-.*-${process.getuid!()}/`)]);
});
