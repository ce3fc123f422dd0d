import t from 'tap';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostTool } from '../../host/host-tool.ts';
import { sha256 } from '../../host/release-manifest.ts';
import { testCertificate } from '../helpers/certificate.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await hostTool(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'host-tool-'));
const incoming = join(dir, 'incoming');
mkdirSync(incoming);
writeFileSync(join(incoming, 'a.txt'), 'a');
writeFileSync(join(incoming, 'release.json'), JSON.stringify({ version: 'v1', files: { 'a.txt': sha256('a') } }));
mkdirSync(join(dir, 'releases'));

t.test('version, install and prune', async (t) => {
  t.same(await run('version', join(incoming, 'release.json')), { code: 0, out: 'v1\n', err: '' });
  t.same(await run('install', incoming, join(dir, 'releases'), 'v1'), {
    code: 0,
    out: `${join(dir, 'releases', 'v1')}\n`,
    err: '',
  });
  mkdirSync(join(dir, 'releases', 'old'));
  writeFileSync(join(dir, 'releases', 'old', 'x'), '');
  const pruned = await run('prune', join(dir, 'releases'), '1', 'v1');
  t.equal(pruned.code, 0);
  t.match(pruned.err, /removed old releases: old/);
  t.same(readdirSync(join(dir, 'releases')), ['v1']);
  t.same(
    await run('prune', join(dir, 'releases'), '1', 'v1'),
    { code: 0, out: '', err: '' },
    'silent when nothing goes',
  );
});

t.test('render-env', async (t) => {
  const r = await run(
    'render-env',
    '--stage',
    'staging',
    '--version',
    'v1',
    '--port',
    '8443',
    '--cert',
    '/c.pem',
    '--key',
    '/k.pem',
    '--host',
    '127.0.0.1',
  );
  t.equal(r.code, 0);
  t.match(r.out, /^STAGE=staging$/m);
  const missing = await run('render-env', '--stage', 'staging');
  t.equal(missing.code, 1);
  t.match(missing.err, /render-env: missing --version, --port, --cert, --key/);
});

t.test('probe gives up with exit 1 when nothing answers', async (t) => {
  const r = await run(
    'probe',
    '--port',
    '1',
    '--version',
    'v1',
    '--health-path',
    '/healthz',
    '--version-path',
    '/version',
    '--timeout',
    '1',
  );
  t.equal(r.code, 1);
  t.match(r.out, /\[probe\] not reachable/);
  const bad = await run(
    'probe',
    '--port',
    '70000',
    '--version',
    'v1',
    '--health-path',
    '/h',
    '--version-path',
    '/v',
    '--timeout',
    '1',
  );
  t.match(bad.err, /--port "70000" is not allowed; expected a whole number from 1 to 65535/);
});

t.test('probe exits 0 once the version answers', async (t) => {
  const { cert, key } = await testCertificate();
  const server = createServer({ cert, key }, (req, res) => res.end(req.url === '/version' ? '{"version":"v1"}' : '{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = String((server.address() as { port: number }).port);
  const r = await run(
    'probe',
    '--port',
    port,
    '--version',
    'v1',
    '--health-path',
    '/healthz',
    '--version-path',
    '/version',
    '--timeout',
    '5',
  );
  server.closeAllConnections();
  server.close();
  t.same(r, { code: 0, out: '[probe] healthy with version v1\n', err: '' });
});

t.test("warm-compile-cache fills the unit's NODE_COMPILE_CACHE and says what it wrote", async (t) => {
  const cache = join(dir, 'compile-cache');
  const fake = join(dir, 'fake-node.sh');
  const unit = join(dir, 'unit');
  const ids = ['--uid', String(process.getuid!()), '--gid', String(process.getgid!())];
  writeFileSync(unit, `[Service]\nExecStart=/bin/sh ${fake}\nEnvironment=NODE_COMPILE_CACHE=${cache}\n`);
  writeFileSync(fake, 'mkdir "$NODE_COMPILE_CACHE/v1-tag" && : > "$NODE_COMPILE_CACHE/v1-tag/entry"\n');
  t.same(await run('warm-compile-cache', unit, ...ids), {
    code: 0,
    out: `compile cache ${cache}: v1-tag/entry\n`,
    err: '',
  });
  writeFileSync(fake, 'true\n');
  t.same(await run('warm-compile-cache', unit, ...ids), {
    code: 0,
    out: `compile cache ${cache}: empty, /bin/sh wrote none (NODE_COMPILE_CACHE needs Node 22.1 or later)\n`,
    err: '',
  });
  writeFileSync(fake, 'exit 3\n');
  t.match(await run('warm-compile-cache', unit, ...ids), {
    code: 1,
    out: '',
    err: /\[host-tool\] warm-compile-cache: \/bin\/sh .* exited with 3/,
  });
  t.match((await run('warm-compile-cache', unit, '--uid', '0')).err, /missing --gid/);
  t.match(
    (await run('warm-compile-cache', unit, '--uid', 'nobody', '--gid', '0')).err,
    /--uid "nobody" is not allowed; expected a whole number/,
  );
  t.match(
    (await run('warm-compile-cache', '--uid', '0', '--gid', '0')).err,
    /warm-compile-cache takes 1 arguments, got 0/,
  );
});

t.test('bad usage is explained', async (t) => {
  const none = await run();
  t.equal(none.code, 2);
  t.match(none.err, /no command\nusage: host-tool\.mjs/);
  t.match((await run('frobnicate')).err, /unknown command "frobnicate"/);
  t.match((await run('version')).err, /version takes 1 arguments, got 0/);
  t.match((await run('prune', dir, 'x', 'v1')).err, /keep "x" is not allowed/);
});
