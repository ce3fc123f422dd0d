// The rules on small hand-made facts: the forms the real docs do not use today (other ways to
// delete a stack, a default bootstrap, a reference without a section), and how the facts are
// read from a cloud assembly.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checkCliReference, checkCommands } from '../src/check-commands.ts';
import { checkSteps } from '../src/check-names.ts';
import { checkTeardown } from '../src/check-teardown.ts';
import { docsProject } from '../src/docs-project.ts';
import { parseDoc, parseDocs, type Doc } from '../src/markdown.ts';
import { scriptsOf, type Facts } from '../src/repo-facts.ts';
import { appStacks, bootstrapStacks, needs, type StackFacts } from '../src/stack-graph.ts';

const stack = (name: string, creates: string[], uses = '', retained: string[] = []): StackFacts => ({
  name,
  kind: 'app',
  creates,
  uses,
  retained,
});

function facts(docs: Doc[], extra: Partial<Facts> = {}): Facts {
  return {
    docs,
    parsed: parseDocs(docs),
    rootName: 'root',
    rootScripts: {},
    packages: [],
    clis: new Map([['release', new Map([['watch', new Set(['--timeout'])]])]]),
    workflows: [],
    stacks: [],
    names: '',
    code: '',
    project: docsProject,
    ...extra,
  };
}

t.test('the reference needs a section per command that mentions each option', (t) => {
  const doc = (text: string) => [{ path: 'ref.md', text }];
  t.match(checkCliReference(facts([]), 'ref.md'), [{ rule: 'cli-reference', message: 'ref.md is missing' }]);
  t.match(checkCliReference(facts(doc('# Ref\n')), 'ref.md'), [
    { message: 'no section "### watch" for the release command watch' },
  ]);
  t.same(
    checkCliReference(facts(doc('### watch\n`watch <id> [--timeout 30m]`\n')), 'ref.md'),
    [],
    'the last section runs to the end',
  );
  t.match(checkCliReference(facts(doc('### watch\n`watch <id>`\n## Next\n--timeout\n')), 'ref.md'), [
    { line: 1, message: /does not mention --timeout/ },
  ]);
  t.end();
});

t.test('a job quoted as "job *id*" matches its id; a missing one is found', (t) => {
  const workflows = [
    { path: 'w.yml', data: { jobs: { build: { steps: [{ run: 'x' }, 'odd'] }, odd: 1 } } },
    { path: 'x.yml', data: null },
  ];
  const found = checkSteps(
    facts([{ path: 'a.md', text: 'The job *build* runs first.\n\nThen job *ship*.\n' }], { workflows }),
  );
  t.same(
    found.map((f) => [f.line, f.message]),
    [[3, 'no workflow job is named "ship"']],
  );
  t.end();
});

t.test('cdk destroy and aws cloudformation delete-stack delete too; one stack that needs another is named', (t) => {
  const stacks = [stack('base', ['base-policy']), stack('app', ['app-x'], '"base-policy"', ['/app/log'])];
  const text =
    '## Down\n```sh\ncdk destroy --force base\naws cloudformation delete-stack --stack-name app\ncdk deploy app\n```\nKeep `/app/` and `other`.\n';
  const found = checkTeardown(facts([{ path: 'down.md', text }], { stacks }), 'down.md');
  t.same(
    found.map((f) => [f.rule, f.message]),
    [
      [
        'teardown-order',
        'deletes base before app, which needs it (their resources name what it creates); delete that first',
      ],
    ],
  );
  t.end();
});

t.test("a bootstrap without names is CDK's default one; a stack never needs itself", (t) => {
  const quotes = parseDoc({
    path: 'b.md',
    text: '```sh\ncdk bootstrap aws://1/r\ncdk bootstrap aws://1/r\nnpx cdk bootstrap --toolkit-stack-name\n```\n',
  }).quotes;
  const [only, ...rest] = bootstrapStacks(quotes, ['cdk-hnb659fds-assets-1-r', 'other']);
  t.same(rest, []);
  t.match(only, {
    name: 'CDKToolkit',
    kind: 'bootstrap',
    creates: ['cdk-hnb659fds-', '/cdk-bootstrap/hnb659fds/'],
    retained: ['cdk-hnb659fds-assets-1-r'],
  });
  t.notOk(needs(only!, only!));
  t.end();
});

t.test('an assembly: named resources, what stays, the asset buckets; unnamed and bare resources too', (t) => {
  const dir = t.testdir({
    'manifest.json': JSON.stringify({
      artifacts: {
        s: { type: 'aws:cloudformation:stack', properties: { templateFile: 's.json' } },
        'b.assets': { type: 'cdk:asset-manifest' },
        b: { type: 'aws:cloudformation:stack', properties: { templateFile: 'b.json' } },
        'c.assets': { type: 'cdk:asset-manifest', properties: { file: 'c.assets.json' } },
        c: { type: 'aws:cloudformation:stack', properties: { templateFile: 'c.json' } },
        d: { type: 'cdk:tree' },
      },
    }),
    's.json': JSON.stringify({
      Resources: {
        Log: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/p/s/log' }, DeletionPolicy: 'Retain' },
        Gone: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/p/s/gone' } },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'p-s-fn', Role: 'x' } },
        Anon: { Type: 'AWS::Lambda::Function' },
        Kept: { Type: 'AWS::SQS::Queue', DeletionPolicy: 'Retain' },
        Group: { Type: 'AWS::CodeDeploy::DeploymentGroup', Properties: { DeploymentGroupName: 'staging' } },
      },
    }),
    'b.json': JSON.stringify({}),
    'c.json': JSON.stringify({ Resources: {} }),
    'c.assets.json': JSON.stringify({ files: { a: { destinations: { x: { bucketName: 'cdk-q-assets-1-r' } } } } }),
  });
  writeFileSync(join(dir, 'other.json'), '{}');
  const [s, b, c] = appStacks(dir);
  t.match(s, {
    name: 's',
    creates: ['/p/s/log', '/p/s/gone', 'p-s-fn'],
    retained: ['/p/s/log', '/aws/lambda/p-s-fn', '/aws/lambda/s-Anon'],
  });
  t.match(b, { name: 'b', creates: [], retained: [] });
  t.match(c?.uses, /cdk-q-assets-1-r/);
  t.same(appStacks(t.testdir({ 'manifest.json': '{}' })), [], 'an assembly without artifacts has no stacks');
  t.end();
});

t.test('a package.json without scripts has none', (t) => {
  t.same(scriptsOf({ name: 'x' }), {});
  t.end();
});

t.test('pnpm filters, folders and runs; node without a file; cdk straight from npx', (t) => {
  const text = [
    '```sh',
    'pnpm --filter=@x/lib build',
    'pnpm -C tools --filter @x/lib run --silent build',
    'pnpm --filter @x/none build',
    'pnpm run',
    'node',
    'cdk deploy x',
    'npx cdk destroy x',
    'pnpm exec cdk',
    '```',
  ].join('\n');
  const found = checkCommands(
    facts([{ path: 'c.md', text }], { packages: [{ name: '@x/lib', scripts: { build: 'tsc' } }] }),
  );
  t.same(
    found.map((f) => [f.line, f.rule]),
    [
      [4, 'pnpm-script'],
      [8, 'cdk-wrapper'],
    ],
  );
  t.end();
});
