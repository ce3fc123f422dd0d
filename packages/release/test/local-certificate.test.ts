import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { LOCAL_CERTIFICATE } from '@hello/config/constants';
import { findLocalCertificate, isLoopbackUrl } from '../src/local-certificate.ts';

t.test('found from any directory of the checkout that holds it', (t) => {
  const root = t.testdir({ 'pnpm-workspace.yaml': '', packages: { release: { dist: {} } } });
  // Where the local server writes it.
  const cert = join(root, LOCAL_CERTIFICATE.dir, LOCAL_CERTIFICATE.certFile);
  mkdirSync(join(root, LOCAL_CERTIFICATE.dir), { recursive: true });
  writeFileSync(cert, 'x');
  t.equal(findLocalCertificate(join(root, 'packages', 'release', 'dist')), cert);
  t.equal(findLocalCertificate(root), cert);
  t.end();
});

t.test('none before the first pnpm start, none outside a checkout', (t) => {
  const root = t.testdir({ 'pnpm-workspace.yaml': '', packages: {} });
  t.equal(findLocalCertificate(join(root, 'packages')), undefined);
  const away = mkdtempSync(join(tmpdir(), 'release-no-checkout-'));
  t.teardown(() => rmSync(away, { recursive: true, force: true }));
  t.equal(findLocalCertificate(away), undefined);
  t.end();
});

t.test('loopback URLs only', (t) => {
  for (const url of ['https://localhost:8443', 'https://127.0.0.1:8443/', 'https://[::1]:8443'])
    t.equal(isLoopbackUrl(url), true, url);
  for (const url of ['https://staging.example.com', 'https://10.0.0.1']) t.equal(isLoopbackUrl(url), false, url);
  t.end();
});
