import t from 'tap';
import { readFileSync } from 'node:fs';
import { freePort, startChild } from '../helpers/child-server.js';
import { fetchOver } from '../helpers/client.js';

t.setTimeout(120_000); // the child compiles the TypeScript sources first

t.test('serve makes a certificate and serves the local stage on localhost', async (t) => {
  const dir = t.testdir({});
  const port = await freePort();
  const serve = startChild('dev/serve.ts', { PORT: String(port) }, [dir]);
  t.teardown(() => void serve.child.kill('SIGKILL'));
  await serve.listening;
  t.match(serve.stdout(), `created a self-signed certificate for localhost: ${dir}/cert.pem`);
  t.match(serve.stdout(), `serving https://localhost:${port}/`);
  const res = await fetchOver(port, '/', { ca: readFileSync(`${dir}/cert.pem`, 'utf8') });
  t.equal(res.status, 200);
  t.match(res.body, / in local\n$/);
  serve.child.kill('SIGTERM');
  t.equal(await serve.exited, 0);
});
