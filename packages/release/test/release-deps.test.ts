import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { LOCAL_CERTIFICATE } from '@hello/config/constants';
import { createReleaseDeps, outputMode } from '../src/release-deps.ts';

t.test('the real world: streams, cwd, clock, files and one set of AWS clients', async (t) => {
  const dir = t.testdir({ 'in.txt': 'bytes' });
  const stdout = { write: () => true, isTTY: true, columns: 100 };
  const deps = createReleaseDeps({ env: { INIT_CWD: '/where/pnpm/ran' }, stdout, stderr: stdout, cwd: () => '/pkg' });
  t.equal(deps.cwd, '/where/pnpm/ran');
  t.equal(deps.isTTY, true);
  t.equal(deps.columns, 100, 'the terminal width, for the progress table');
  t.ok(
    deps.localCertificate === undefined ||
      deps.localCertificate.endsWith(`/${LOCAL_CERTIFICATE.dir}/${LOCAL_CERTIFICATE.certFile}`),
    "pnpm start's certificate, looked up in this checkout",
  );
  t.equal(deps.aws(), deps.aws(), 'clients are created once');
  t.equal((await deps.readFile(join(dir, 'in.txt'))).toString(), 'bytes');
  await deps.appendFile(join(dir, 'out.txt'), 'a');
  await deps.appendFile(join(dir, 'out.txt'), 'b');
  t.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'ab');
  const before = deps.now();
  await deps.sleep(5);
  t.ok(deps.now() >= before + 4);
  t.equal(deps.fetch, globalThis.fetch);
  const piped = createReleaseDeps({ env: {}, stdout: { write: () => true }, stderr: stdout, cwd: () => '/pkg' });
  t.equal(piped.cwd, '/pkg');
  t.equal(piped.isTTY, false);
});

t.test('output mode: CI wins over a terminal', (t) => {
  t.equal(outputMode({ env: { CI: 'true' }, isTTY: true }), 'ci');
  t.equal(outputMode({ env: { GITHUB_ACTIONS: 'true' }, isTTY: false }), 'ci');
  t.equal(outputMode({ env: { CI: 'false' }, isTTY: true }), 'tty');
  t.equal(outputMode({ env: {}, isTTY: false }), 'plain');
  t.end();
});
