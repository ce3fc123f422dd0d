import t from 'tap';
import { allowJsonImports } from '../src/allow-json-imports.ts';

void t.test('after allowJsonImports, a JSON module imports without an attribute', async (t) => {
  const url = new URL('fixtures/json/plain.json', import.meta.url).href;
  await t.rejects(
    import(url),
    { code: /^ERR_IMPORT_(ASSERTION_TYPE|ATTRIBUTE)_MISSING$/ },
    'Node refuses it by default',
  );
  allowJsonImports();
  allowJsonImports();
  const mod = (await import(`${url}?again`)) as { default: unknown };
  t.same(mod.default, { schema: 'plain' });
});
