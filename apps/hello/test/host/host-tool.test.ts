import t, { type Test } from 'tap';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { hostTool, type HostToolSettings } from '../../host/host-tool.ts';
import { sha256 } from '../../host/release-manifest.ts';
import { testCertificate } from '../helpers/certificate.ts';
import { MOTO_ENV } from '../helpers/moto-server.ts';
import { fixtureContract, fixtureProject, plainContract, plainProject } from '../helpers/parameter-fixtures.ts';

type Result = { code: number; out: string; err: string };

async function runWith(settings: HostToolSettings | undefined, argv: string[]): Promise<Result> {
  let out = '';
  let err = '';
  const code = await hostTool(argv, { out: (s) => (out += s), err: (s) => (err += s) }, settings);
  return { code, out, err };
}
/** The shipped settings: only for commands that do not read them. */
const run = (...argv: string[]): Promise<Result> => runWith(undefined, argv);
const plain: HostToolSettings = { contract: plainContract, project: plainProject, env: {} };

const dir = mkdtempSync(join(tmpdir(), 'host-tool-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
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

t.test('render-env writes a new file only root can read, and names no value', async (t) => {
  const out = join(dir, 'service.env');
  const args = ['--stage', 'staging', '--version', 'v1', '--port', '8443', '--cert', '/c.pem', '--key', '/k.pem'];
  const r = await runWith(plain, ['render-env', ...args, '--host', '127.0.0.1', '--out', out]);
  t.same(r, { code: 0, out: '', err: '' }, 'a project without parameters reads nothing from SSM');
  t.match(readFileSync(out, 'utf8'), /^STAGE=staging$/m);
  t.equal(statSync(out).mode & 0o777, 0o600);
  t.match((await runWith(plain, ['render-env', ...args, '--out', out])).err, /render-env: EEXIST/, 'never overwrites');
  const missing = await runWith(plain, ['render-env', '--stage', 'staging']);
  t.equal(missing.code, 1);
  t.match(missing.err, /render-env: missing --version, --port, --cert, --key, --out/);
});

/**
 * Points the SDK (which reads the process environment, as on a host) at `endpoint` for one test.
 * The real calls against a stand-in run in test/deploy/hooks.test.ts, through the bundled tool.
 */
function useEndpoint(t: Test, endpoint: string): void {
  const standIn = { ...MOTO_ENV, AWS_ENDPOINT_URL: endpoint };
  const saved = Object.keys(standIn).map((name) => [name, process.env[name]] as const);
  t.teardown(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  Object.assign(process.env, standIn);
}

t.test('render-env fails naming what it asked for when SSM does not answer', async (t) => {
  useEndpoint(t, 'http://127.0.0.1:1');
  const settings: HostToolSettings = { contract: fixtureContract, project: fixtureProject, env: process.env };
  const args = ['--stage', 'prod', '--version', 'v1', '--port', '8443', '--cert', '/c.pem', '--key', '/k.pem'];
  const r = await runWith(settings, ['render-env', ...args, '--out', join(dir, 'unreachable.env')]);
  t.equal(r.code, 1);
  t.match(
    r.err,
    `[host-tool] render-env: the stage's settings and secrets could not all be read from SSM:\n  - no answer from SSM in ${fixtureProject.aws.region} for /shop/prod/greeting, /shop/prod/api-token: `,
  );
  t.notOk(existsSync(join(dir, 'unreachable.env')));
});

t.test('render-env writes what SSM answers to the file and prints only where it came from', async (t) => {
  const ssm = mockClient(SSMClient);
  t.teardown(() => ssm.restore());
  const secret = 'tok-5e!c0';
  ssm.on(GetParametersCommand).resolves({
    Parameters: [
      { Name: '/shop/staging/greeting', Type: 'String', Value: 'hi' },
      { Name: '/shop/staging/api-token', Type: 'SecureString', Value: secret },
    ],
  });
  const settings: HostToolSettings = { contract: fixtureContract, project: fixtureProject, env: {} };
  const args = ['--stage', 'staging', '--version', 'v1', '--port', '8443', '--cert', '/c.pem', '--key', '/k.pem'];
  const out = join(dir, 'staging.env');
  t.same(await runWith(settings, ['render-env', ...args, '--out', out]), {
    code: 0,
    out: 'GREETING from /shop/staging/greeting\nAPI_TOKEN from /shop/staging/api-token (secret)\n',
    err: '',
  });
  t.match(readFileSync(out, 'utf8'), `\nAPI_TOKEN=${secret}\n`);
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
