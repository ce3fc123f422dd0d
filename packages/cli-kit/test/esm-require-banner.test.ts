import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { ESM_REQUIRE_BANNER } from '../src/esm-require-banner.mjs';

t.test('an ES module that starts with the banner can require Node built-ins', async (t) => {
  // What esbuild emits for a CommonJS dependency inside an ES-module bundle: a plain require().
  const file = join(t.testdir({}), 'bundle.mjs');
  writeFileSync(file, `${ESM_REQUIRE_BANNER}\nexport const sep = require('node:path').sep;\n`);
  const bundle = (await import(pathToFileURL(file).href)) as { sep: string };
  t.equal(bundle.sep, (await import('node:path')).sep);
});
