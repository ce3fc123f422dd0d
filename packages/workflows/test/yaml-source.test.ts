import t from 'tap';
import { parseYamlSource } from '../src/yaml-source.ts';

const TEXT = `# comment
jobs:
  a:
    steps:
      - run: one
      - uses: x/y@v1 # v1
`;

void t.test('lineOf names the line of the key or list item at a path', (t) => {
  const src = parseYamlSource(TEXT, 'f.yml');
  t.equal(src.lineOf([]), 2, 'the document starts after the comment');
  t.equal(src.lineOf(['jobs', 'a']), 3);
  t.equal(src.lineOf(['jobs', 'a', 'steps', 1]), 6);
  t.equal(src.lineOf(['jobs', 'a', 'steps', 1, 'uses']), 6);
  t.equal(src.lineOf(['jobs', 'a', 'missing', 'deeper']), 3, 'falls back to the nearest existing ancestor');
  t.equal(src.lineOf(['jobs', 'a', 'steps', 'x']), 4, 'a name is no index into a list');
  t.equal(src.lineText(6), '      - uses: x/y@v1 # v1');
  t.equal(src.lineText(99), '');
  t.same(src.data, { jobs: { a: { steps: [{ run: 'one' }, { uses: 'x/y@v1' }] } } });
  t.end();
});

void t.test('an empty document is line 1', (t) => {
  t.equal(parseYamlSource('', 'f.yml').lineOf(['jobs']), 1);
  t.end();
});

void t.test('invalid YAML and duplicate keys are errors that name the file', (t) => {
  t.throws(() => parseYamlSource('a: [1', 'f.yml'), /^f\.yml: not valid YAML: /);
  t.throws(() => parseYamlSource('a: 1\na: 2\n', 'g.yml'), /g\.yml: not valid YAML: .*unique/i);
  t.end();
});
