// The docs as they are pass every check against the code; a doc that quotes a step, a script, an
// option, a stack, an AWS name or a variable that does not exist, or a teardown in the wrong
// order, incomplete or silent about what stays, fails with where and why.
import t from 'tap';
import { checkDocs } from '../src/check-docs.ts';
import { docsProject } from '../src/docs-project.ts';
import { parseDocs } from '../src/markdown.ts';
import { readFacts, type Facts } from '../src/repo-facts.ts';
import { report } from '../src/run-docs-check.ts';
import { fileURLToPath } from 'node:url';

// The CloudFormation validator costs seconds per synth; `cdk synth` keeps it on.
process.env.CDK_VALIDATION = 'false';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const facts = await readFacts(ROOT, docsProject);

/** The facts with one document changed as a person might write it. */
function withDoc(path: string, change: (text: string) => string): Facts {
  const docs = facts.docs.map((d) => {
    if (d.path !== path) return d;
    const text = change(d.text);
    if (text === d.text) throw new Error(`the change of ${path} changed nothing`);
    return { ...d, text };
  });
  return { ...facts, docs, parsed: parseDocs(docs) };
}

t.test('the README and docs/ agree with the code, the workflows and the templates', (t) => {
  const lines: string[] = [];
  t.equal(
    report(checkDocs(facts), (l) => lines.push(l)),
    0,
    lines.join('\n'),
  );
  t.same(lines, ['docs check: clean']);
  t.ok(facts.stacks.length >= 5, 'the app stacks and the bootstrap stacks of the setup');
  t.end();
});

const cases: { what: string; path: string; change: (text: string) => string; expect: RegExp }[] = [
  {
    what: 'a workflow step that does not exist',
    path: 'docs/troubleshooting.md',
    change: (s) => s.replace('(step *Update the stage stack*)', '(step *Deploy the stage stack*)'),
    expect: /^docs\/troubleshooting\.md:\d+: \[step-name\] no workflow step is named "Deploy the stage stack"/,
  },
  {
    what: 'steps listed in another order than the job runs them',
    path: 'README.md',
    change: (s) =>
      s.replace(
        '*Check that the stage may take the\n   version*, *Update the stage stack*',
        '*Update the stage stack*, *Check that the stage may take the\n   version*',
      ),
    expect:
      /^README\.md:\d+: \[step-order\] job deploy of \.github\/workflows\/deploy-stage\.yml runs these steps in another order: \*Publish/,
  },
  {
    what: 'a job that does not exist',
    path: 'README.md',
    change: (s) => s.replace('the *build once* job', 'the *build twice* job'),
    expect: /\[step-name\] no workflow job is named "build twice"/,
  },
  {
    what: 'a pnpm script that does not exist',
    path: 'docs/teardown.md',
    change: (s) => s.replace('pnpm infra:destroy hello-foundation', 'pnpm infra:remove hello-foundation'),
    expect:
      /^docs\/teardown\.md:\d+: \[pnpm-script\] pnpm infra:remove: the root package\.json has no script infra:remove; its scripts are: .*infra:destroy/,
  },
  {
    what: 'a script of a package that has no such script',
    path: 'docs/release-cli.md',
    change: (s) => s.replace('pnpm --filter @hello/release build', 'pnpm --filter @hello/release bundle'),
    expect: /\[pnpm-script\] pnpm --filter @hello\/release bundle: @hello\/release has no script bundle/,
  },
  {
    what: 'a release option that does not exist',
    path: 'README.md',
    change: (s) =>
      s.replace('pnpm release rollback --stage prod', 'pnpm release rollback --stage prod --to-version <sha>'),
    expect: /^README\.md:\d+: \[cli-option\] `release rollback` has no option --to-version; its options are: --stage, /,
  },
  {
    what: 'a release command that does not exist',
    path: 'docs/pipeline.md',
    change: (s) => s.replace('`release.mjs publish`', '`release.mjs upload`'),
    expect: /\[cli-option\] `release upload` is no command of release; its commands are: publish, deploy/,
  },
  {
    what: 'an infra option that does not exist',
    path: 'docs/teardown.md',
    change: (s) =>
      s.replace('pnpm infra:destroy hello-staging hello-prod', 'pnpm infra:destroy hello-staging hello-prod --yes'),
    expect: /\[cli-option\] `infra:destroy` has no option --yes; its options are: --force, --verbose, --help/,
  },
  {
    what: 'a stack that does not exist',
    path: 'README.md',
    change: (s) => s.replace('pnpm infra:deploy hello-foundation', 'pnpm infra:deploy hello-base'),
    expect:
      /^README\.md:\d+: \[stack-name\] pnpm infra:deploy takes no stack hello-base .*it takes: hello-foundation, hello-staging, hello-prod/,
  },
  {
    what: 'a role that does not exist',
    path: 'docs/aws-setup.md',
    change: (s) => s.replace('`hello-github-pull-request`', '`hello-github-pr`'),
    expect:
      /^docs\/aws-setup\.md:\d+: \[aws-name\] hello-github-pr is no name the stacks, the bootstrap or @hello\/config\/naming create/,
  },
  {
    what: "a parameter outside every stage's parameter path",
    path: 'docs/service.md',
    change: (s) => s.replace('/hello/staging/payments-api-key', '/hello/stagin/payments-api-key'),
    expect: /^docs\/service\.md:\d+: \[aws-name\] \/hello\/stagin\/payments-api-key is no name/,
  },
  {
    what: 'a repository variable that does not exist',
    path: 'docs/pipeline.md',
    change: (s) => s.replace('`PROD_AUTO_PROMOTE` = `true`', '`PROD_AUTOPROMOTE` = `true`'),
    expect: /\[constant\] PROD_AUTOPROMOTE appears nowhere in the code, the workflows or the templates/,
  },
  {
    what: 'a deploy that skips the account check',
    path: 'docs/aws-setup.md',
    change: (s) =>
      s.replace(
        '   pnpm infra:deploy hello-foundation',
        '   pnpm --filter @hello/infra exec cdk deploy hello-foundation',
      ),
    expect:
      /\[cdk-wrapper\] `pnpm --filter @hello\/infra exec cdk deploy hello-foundation` skips the account check; use pnpm infra:deploy/,
  },
  {
    what: 'the foundation deleted before the bootstrap stacks',
    path: 'docs/teardown.md',
    change: (s) => {
      const bootstrap = 'pnpm infra:destroy hello-cdk-bootstrap-staging hello-cdk-bootstrap-prod';
      const foundation = 'pnpm infra:destroy hello-foundation';
      return s.replace(bootstrap, '@@').replace(foundation, bootstrap).replace('@@', foundation);
    },
    expect:
      /^docs\/teardown\.md:\d+: \[teardown-order\] deletes hello-foundation before hello-cdk-bootstrap-staging, hello-cdk-bootstrap-prod, which need it/,
  },
  {
    what: 'a teardown without the bootstrap stacks',
    path: 'docs/teardown.md',
    change: (s) => s.replace('   pnpm infra:destroy hello-cdk-bootstrap-staging hello-cdk-bootstrap-prod\n', ''),
    expect:
      /\[teardown-complete\] the teardown deletes no hello-cdk-bootstrap-staging, hello-cdk-bootstrap-prod, which the setup creates/,
  },
  {
    what: "a teardown silent about the functions' log groups",
    path: 'docs/teardown.md',
    change: (s) => s.replaceAll('/aws/lambda/hello', '/aws/lambda/shop'),
    expect: /\[retained\] \/aws\/lambda\/hello-staging-\w+ stays after hello-staging is deleted/,
  },
  {
    what: 'a teardown silent about a bootstrap asset bucket',
    path: 'docs/teardown.md',
    change: (s) => s.replaceAll('cdk-helloprod-assets-123456789012-us-east-1', 'the prod bucket'),
    expect: /\[retained\] cdk-helloprod-assets-123456789012-us-east-1 stays after hello-cdk-bootstrap-prod is deleted/,
  },
  {
    what: 'a release reference that leaves out an option',
    path: 'docs/release-cli.md',
    change: (s) =>
      s
        .replace(
          '--to prod [--check] [--no-watch] [--timeout 30m] [--busy-timeout 20m]`',
          '--to prod [--check] [--no-watch] [--timeout 30m]`',
        )
        .replace('at most `--busy-timeout` (exit 3 after it), as `deploy` does', 'as `deploy` does'),
    expect: /^docs\/release-cli\.md:\d+: \[cli-reference\] the section of promote does not mention --busy-timeout/,
  },
];

for (const c of cases) {
  t.test(c.what, (t) => {
    const lines: string[] = [];
    t.equal(
      report(checkDocs(withDoc(c.path, c.change)), (l) => lines.push(l)),
      1,
    );
    t.ok(
      lines.some((f) => c.expect.test(f)),
      lines.join('\n'),
    );
    t.match(lines.at(-1), /^docs check: \d+ problem\(s\)$/);
    t.end();
  });
}
