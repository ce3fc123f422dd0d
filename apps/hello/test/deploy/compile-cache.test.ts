// The compile cache as a host has it: warmed with the rendered unit's own command (the hook's
// step), root-owned, in the release that `current` points to; the service runs as another user
// through `current`, as systemd starts it. It must hit the cache, write nothing, print nothing,
// and still start when the cache is damaged.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_NODE_BIN, HOST_PATHS, SERVICE_NAME } from '@hello/config/constants';
import { SERVER_FILE, bundleServer } from '../../scripts/bundle-code.ts';
import { bundleTextFiles } from '../../scripts/bundle-text-files.ts';
import { unitCommand } from '../../host/unit-command.ts';
import { warmCompileCache } from '../../host/warm-compile-cache.ts';
import { testCertificate } from '../helpers/certificate.ts';
import { freePort } from '@hello/cli-kit/free-port';
import { fetchOver } from '../helpers/client.ts';

t.setTimeout(120_000);
const NOBODY = 65534;
const skip = process.getuid!() !== 0 ? 'running the service as another user needs root' : false;

t.test("the service reads the hook's cache and never writes it", { skip }, async (t) => {
  const appDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
  // Under /tmp, open to others: the service runs as nobody, who cannot enter a CI checkout.
  const root = mkdtempSync(join(tmpdir(), 'compile-cache-host-'));
  chmodSync(root, 0o755);
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const release = join(root, 'releases', 'v1');
  for (const file of await bundleServer(appDir, 'src/server.ts')) {
    mkdirSync(dirname(join(release, file.path)), { recursive: true });
    writeFileSync(join(release, file.path), file.data);
  }
  symlinkSync('releases/v1', join(root, 'current'));
  const pems = await testCertificate();
  writeFileSync(join(root, 'cert.pem'), pems.cert);
  writeFileSync(join(root, 'key.pem'), pems.key, { mode: 0o644 });

  // This Node, where nobody may run it (CI installs Node 24 under root's home, closed to others).
  const node = join(root, 'node');
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  // The unit as the hook installs it (host paths moved, that Node for /usr/bin/node).
  const rendered = bundleTextFiles(join(appDir, 'deploy')).find(
    (f) => f.path === `deploy/${SERVICE_NAME}.service`,
  )!.text;
  const command = unitCommand(
    rendered
      .replaceAll(HOST_PATHS.current, join(root, 'current'))
      .replace(`ExecStart=${HOST_NODE_BIN} `, `ExecStart=${node} `),
  );
  t.equal(command.env.NODE_COMPILE_CACHE, join(root, 'current', 'compile-cache'));
  const files = warmCompileCache({ command, uid: NOBODY, gid: NOBODY });
  t.match(files, [new RegExp(`-${NOBODY}/[0-9a-f]+$`)], "one entry, under the service user's uid");
  const cacheFile = join(release, 'compile-cache', files[0]!);
  t.equal(statSync(cacheFile).uid, 0);

  const snapshot = () => {
    const dir = join(release, 'compile-cache');
    return readdirSync(dir, { recursive: true })
      .sort()
      .map((p) => {
        const s = statSync(join(dir, String(p)));
        return `${String(p)} ${s.mode.toString(8)} ${s.uid} ${s.size} ${s.mtimeMs}`;
      });
  };
  const port = await freePort();
  /** One start as systemd would (tap's loaders kept out of NODE_OPTIONS): first 200, then SIGTERM. */
  async function serve(extraEnv: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
    const env = {
      ...command.env,
      ...extraEnv,
      TLS_CERT_FILE: join(root, 'cert.pem'),
      TLS_KEY_FILE: join(root, 'key.pem'),
      HOST: '127.0.0.1',
      PORT: String(port),
      STAGE: 'local',
      RELEASE_VERSION: 'v1',
    };
    const child = spawn('env', ['-u', 'NODE_OPTIONS', command.bin, ...command.args], {
      env,
      uid: NOBODY,
      gid: NOBODY,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = once(child, 'exit');
    for (let tries = 0; ; tries++) {
      const answer = await fetchOver(port, '/').catch(() => undefined);
      if (answer?.status === 200) break;
      if (child.exitCode !== null || tries > 500) throw new Error(`no 200 from the service:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGTERM');
    await exited;
    return { stdout, stderr };
  }
  const before = snapshot();

  const debug = await serve({ NODE_DEBUG_NATIVE: 'COMPILE_CACHE' });
  const url = `file://${join(release, SERVER_FILE)}`;
  t.match(debug.stderr, `${url} was accepted`, 'a hit, keyed by the real path behind `current`');
  t.notMatch(debug.stderr, /writing cache/);

  const quiet = await serve();
  t.equal(quiet.stderr, '', 'nothing on stderr');
  t.same(
    quiet.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('{')),
    [],
    "only the service's JSON log lines",
  );
  t.same(snapshot(), before, 'the cache is untouched');

  // Damaged: Node's own checksum rejects it; the service compiles as usual and cannot write.
  const fd = openSync(cacheFile, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 8192);
  closeSync(fd);
  const damagedBytes = readFileSync(cacheFile);
  const damagedSnapshot = snapshot();
  const damaged = await serve();
  t.equal(damaged.stderr, '', 'still nothing on stderr');
  t.same(snapshot(), damagedSnapshot, 'and nothing written');
  t.same(readFileSync(cacheFile), damagedBytes);
});
