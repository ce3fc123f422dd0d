import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { parse } from 'yaml';
import { SERVICE_NAME } from '@hello/config/constants';
import { buildRelease, zipName } from '../../scripts/build-release.ts';
import { LEFT_OUT_PACKAGES } from '../../scripts/bundle-code.ts';
import { HOOK_NAMES, HOOK_SCRIPTS, HOOK_TIMEOUT_SECONDS } from '../../scripts/hook-timeouts.ts';
import { parseReleaseManifest, sha256 } from '../../host/release-manifest.ts';
import { SIZE_GOAL_BYTES } from '../../scripts/package-cli.ts';
import { zipEntries } from './zip-entries.ts';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const builtAt = new Date('2026-01-02T03:04:05Z');
const outDir = mkdtempSync(join(tmpdir(), 'build-release-'));
t.teardown(() => rmSync(outDir, { recursive: true, force: true }));
const build = (version: string, into: string) => buildRelease({ appDir, version, builtAt, outDir: join(outDir, into) });
const [first, second, other] = await Promise.all([
  build('abc123', 'first'),
  build('abc123', 'second'),
  build('def456', 'other'),
]);
const files = unzipSync(readFileSync(first.zipPath));
const text = (path: string): string => new TextDecoder().decode(files[path]);

t.test('the zip is named after the version and reproducible', async (t) => {
  t.equal(first.zipPath.endsWith(`/${zipName('abc123')}`), true);
  t.equal(zipName('abc123'), `${SERVICE_NAME}-abc123.zip`);
  t.equal(first.sha256, second.sha256, 'same inputs, same checksum');
  t.equal(first.sha256, sha256(readFileSync(first.zipPath)));
  t.not(first.sha256, other.sha256, 'the version is an input');
  t.ok(first.size <= SIZE_GOAL_BYTES, `${first.size} bytes is within the ${SIZE_GOAL_BYTES} byte goal`);
});

t.test('it holds the bundle, the deploy files and release.json', async (t) => {
  t.same(
    Object.keys(files).sort(),
    [
      'app/server.mjs',
      'app/server.mjs.map',
      'appspec.yml',
      'bin/host-tool.mjs',
      `deploy/${SERVICE_NAME}.logrotate`,
      `deploy/${SERVICE_NAME}.service`,
      `deploy/${SERVICE_NAME}.socket`,
      ...[
        'after-install.sh',
        'application-start.sh',
        'application-stop.sh',
        'before-install.sh',
        'common.sh',
        'host.env',
        'validate-service.sh',
      ].map((f) => `hooks/${f}`),
      'release.json',
    ].sort(),
  );
  t.match(text('app/server.mjs'), /\/\/# sourceMappingURL=server\.mjs\.map\s*$/, 'source map linked');
  t.notMatch(
    text('app/server.mjs'),
    /require\(["']pino-pretty["']\)|from ["']pino-pretty["']/,
    'pino-pretty is only a dynamic import',
  );
  const map = JSON.parse(text('app/server.mjs.map')) as { sources: string[]; sourcesContent?: unknown };
  t.ok(
    map.sources.some((s) => s.endsWith('src/server.ts')),
    'maps back to src/server.ts',
  );
  t.ok(
    map.sources.every((s) => !s.startsWith('/')),
    'relative source paths: the same on every checkout',
  );
  t.equal(map.sourcesContent, undefined, 'no sources inside: smaller, and stack traces only need lines');
  for (const name of LEFT_OUT_PACKAGES) {
    t.notOk(
      map.sources.some((s) => s.includes(`node_modules/${name}/`)),
      `${name} is not bundled`,
    );
  }
  t.notOk(
    map.sources.some((s) => /node_modules\/(ajv|fast-uri)\/|fast-json-stringify\/index\.js/.test(s)),
    "ajv and the schema serializer builder are not bundled (only the error serializer's runtime is)",
  );
  t.notOk(
    map.sources.some((s) => s.includes('node_modules/@aws-sdk/')),
    'the AWS SDK stays out of the service: only the host tool reads SSM (settings and secrets)',
  );
  const modes = Object.fromEntries(zipEntries(readFileSync(first.zipPath)).map((e) => [e.name, e.mode & 0o777]));
  t.equal(modes['hooks/after-install.sh'], 0o755);
  t.equal(modes['hooks/common.sh'], 0o644, 'sourced, not run');
  t.equal(modes['app/server.mjs'], 0o644);
});

t.test('release.json lists the sha256 of every other file', async (t) => {
  const manifest = parseReleaseManifest(text('release.json'));
  t.same(manifest, first.manifest);
  t.equal(manifest.version, 'abc123');
  t.equal(manifest.builtAt, builtAt.toISOString());
  t.equal(manifest.node.build, process.version);
  t.same(
    Object.keys(manifest.files).sort(),
    Object.keys(files)
      .filter((f) => f !== 'release.json')
      .sort(),
  );
  for (const [path, hash] of Object.entries(manifest.files)) t.equal(sha256(files[path]!), hash, path);
});

t.test('appspec runs every hook with the timeout derived from the service bounds', async (t) => {
  const appspec = parse(text('appspec.yml')) as {
    version: number;
    os: string;
    hooks: Record<string, { location: string; timeout: number; runas: string }[]>;
  };
  t.equal(appspec.version, 0);
  t.equal(appspec.os, 'linux');
  t.same(Object.keys(appspec.hooks), [...HOOK_NAMES]);
  for (const hook of HOOK_NAMES) {
    t.same(
      appspec.hooks[hook],
      [{ location: `hooks/${HOOK_SCRIPTS[hook]}`, timeout: HOOK_TIMEOUT_SECONDS[hook], runas: 'root' }],
      hook,
    );
  }
  t.notMatch(
    text('appspec.yml') +
      text(`deploy/${SERVICE_NAME}.service`) +
      text(`deploy/${SERVICE_NAME}.socket`) +
      text(`deploy/${SERVICE_NAME}.logrotate`),
    /@@[A-Z]/,
    'no placeholder left',
  );
});

t.test('bad input is refused before anything is built', async (t) => {
  await t.rejects(
    buildRelease({ appDir, version: 'a/b', builtAt, outDir: appDir }),
    /release version "a\/b" is not allowed/,
  );
  await t.rejects(
    buildRelease({ appDir, version: 'ok', builtAt: new Date('nope'), outDir: appDir }),
    /build time is not a valid date/,
  );
});
