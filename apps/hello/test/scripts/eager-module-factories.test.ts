import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { parse, type Node } from 'acorn';
import { decode } from '@jridgewell/sourcemap-codec';
import { build } from 'esbuild';
import { eagerModuleFactories } from '../../scripts/eager-module-factories.ts';

// Two CommonJS modules and an ES entry, bundled as the release is (minified, linked map).
async function bundled(dir: string, entry: string): Promise<{ code: string; map: string }> {
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(join(dir, 'a.js'), "const b = require('./b.js');\nmodule.exports = () => b.greet('a');\n");
  writeFileSync(join(dir, 'b.js'), "exports.greet = (who) => {\n  return 'hello ' + who + ' marker-in-b';\n};\n");
  writeFileSync(join(dir, 'entry.mjs'), entry);
  await build({
    entryPoints: [join(dir, 'entry.mjs')],
    outfile: join(dir, 'out.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'error',
    // As the release's banner does, the code starts a few lines down.
    banner: { js: '// one\n// two' },
  });
  return { code: readFileSync(join(dir, 'out.mjs'), 'utf8'), map: readFileSync(join(dir, 'out.mjs.map'), 'utf8') };
}

/** Where `text` starts in `code`, as a 0-based line and column. */
function find(code: string, text: string): [number, number] {
  const at = code.indexOf(text);
  const before = code.slice(0, at).split('\n');
  return [before.length - 1, before.at(-1)!.length];
}

t.test(
  'every module factory is parenthesized; the code runs the same; the map still points at the source',
  async (t) => {
    const dir = t.testdir();
    const { code, map } = await bundled(dir, "import a from './a.js';\nconsole.log(a());\n");
    const eager = eagerModuleFactories(code, map);
    t.equal(eager.wrapped, 2, 'a.js and b.js');
    writeFileSync(join(dir, 'out.mjs'), eager.code);
    t.equal(execFileSync(process.execPath, [join(dir, 'out.mjs')], { encoding: 'utf8' }), 'hello a marker-in-b\n');
    // Each factory now starts right after an opening parenthesis of its own.
    const calls: Node[] = [];
    const visit = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Node & Record<string, unknown>;
      if (n.type === 'ArrowFunctionExpression' && eager.code.slice(n.start - 2, n.start) === '((') calls.push(n);
      for (const value of Object.values(n)) {
        if (Array.isArray(value)) value.forEach(visit);
        else visit(value);
      }
    };
    visit(parse(eager.code, { ecmaVersion: 'latest', sourceType: 'module' }));
    t.equal(calls.length, 2);
    const [line, column] = find(eager.code, "'marker-in-b'".slice(1, -1));
    const entry = new SourceMap(JSON.parse(eager.map) as ConstructorParameters<typeof SourceMap>[0]).findEntry(
      line,
      column,
    ) as { originalSource?: string; originalLine?: number };
    t.match(entry, { originalSource: /b\.js$/, originalLine: 1 }, 'the moved text maps to b.js line 2');
    const [oldLine, oldColumn] = find(code, 'marker-in-b');
    t.not(`${line}:${column}`, `${oldLine}:${oldColumn}`, 'the text did move');
    // Every mapping still starts at the same text as before, in the moved code.
    const text = (source: string, l: number, c: number) => source.split('\n')[l]!.slice(c, c + 1);
    const [before, after] = [
      decode((JSON.parse(map) as { mappings: string }).mappings),
      decode((JSON.parse(eager.map) as { mappings: string }).mappings),
    ];
    const moved = before.flatMap((segments, l) =>
      segments.map((segment, i) => [text(code, l, segment[0]), text(eager.code, l, after[l]![i]![0])]),
    );
    t.ok(moved.length > 10);
    t.same(
      moved.filter(([a, b]) => a !== b),
      [],
      'no mapping points at other text',
    );
  },
);

t.test('factories of modules loaded on demand can stay lazy', async (t) => {
  const dir = t.testdir();
  const { code, map } = await bundled(dir, "import a from './a.js';\nconsole.log(a());\n");
  const eager = eagerModuleFactories(code, map, { keepLazy: (source) => source.endsWith('b.js') });
  t.equal(eager.wrapped, 1, 'a.js only');
  writeFileSync(join(dir, 'out.mjs'), eager.code);
  t.equal(execFileSync(process.execPath, [join(dir, 'out.mjs')], { encoding: 'utf8' }), 'hello a marker-in-b\n');
});

t.test("a bundle without esbuild's CommonJS helper is an error, not a release without eager factories", async (t) => {
  const dir = t.testdir();
  const { code, map } = await bundled(dir, "console.log('no require here');\n");
  t.throws(
    () => eagerModuleFactories(code, map),
    /no CommonJS module factory in the bundle .*no longer matches esbuild's output/,
  );
});
