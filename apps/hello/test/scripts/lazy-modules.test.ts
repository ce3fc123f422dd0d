import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import { build } from 'esbuild';
import { LAZY_MODULES, lazyModuleSource, lazyModules } from '../../scripts/bundle-code.ts';

t.test('the proxy requires the module on first use, and then behaves as it', async (t) => {
  let loads = 0;
  // A module whose export is itself a constructor (as thread-stream's is), with properties.
  function Real(this: { value: number }, value: number) {
    this.value = value;
  }
  const real = Object.assign(Real, { answer: 42, double: (x: number) => x * 2 });
  const module = { exports: undefined as unknown };
  const run = compileFunction(lazyModuleSource('real'), ['require', 'module']) as (
    require: (name: string) => unknown,
    module: { exports: unknown },
  ) => void;
  run((name: string) => {
    t.equal(name, 'real');
    loads++;
    return real;
  }, module);
  const lazy = module.exports as typeof real;
  t.equal(loads, 0, 'nothing is loaded by the require() alone');
  t.equal(lazy.answer, 42);
  t.equal(loads, 1);
  t.equal(lazy.double(21), 42);
  t.ok('double' in lazy);
  t.same(new (lazy as unknown as new (v: number) => { value: number })(7), { value: 7 }, 'new on the module itself');
  t.equal((lazy as unknown as (this: { value?: number }, v: number) => void).call({}, 1), undefined, 'a call');
  t.equal(loads, 1, 'loaded once');
});

t.test('bundled with the plugin, a lazy package and built-in are not loaded at start', async (t) => {
  t.same([...LAZY_MODULES], ['node:http2', 'semver', 'thread-stream']);
  const dir = t.testdir();
  mkdirSync(join(dir, 'node_modules', 'semver'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'semver', 'package.json'), '{ "name": "semver", "main": "index.js" }\n');
  writeFileSync(
    join(dir, 'node_modules', 'semver', 'index.js'),
    'globalThis.semverLoaded = true;\nmodule.exports = { satisfies: () => true };\n',
  );
  writeFileSync(
    join(dir, 'entry.cjs'),
    [
      "const semver = require('semver');",
      "const http2 = require('node:http2');",
      "const http2Loaded = () => process.moduleLoadList.includes('NativeModule http2');",
      'const before = { semver: globalThis.semverLoaded === true, http2: http2Loaded() };',
      "const satisfied = semver.satisfies('5.0.0', '5.x');",
      'const constants = typeof http2.constants;',
      'console.log(JSON.stringify({ before, after: { semver: globalThis.semverLoaded === true, http2: http2Loaded() }, satisfied, constants }));',
    ].join('\n'),
  );
  await build({
    entryPoints: [join(dir, 'entry.cjs')],
    outfile: join(dir, 'out.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    banner: { js: "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);" },
    plugins: [lazyModules],
    logLevel: 'error',
    absWorkingDir: dir,
  });
  const result = JSON.parse(execFileSync(process.execPath, [join(dir, 'out.mjs')], { encoding: 'utf8' })) as unknown;
  t.same(result, {
    before: { semver: false, http2: false },
    after: { semver: true, http2: true },
    satisfied: true,
    constants: 'object',
  });
});
