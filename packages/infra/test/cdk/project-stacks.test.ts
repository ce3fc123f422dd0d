import { bootstrapStackName, foundationStackName, stageStackName } from '@hello/config/naming';
import t, { type Test } from 'tap';
import { appStackNames, projectStacks } from '../../src/cdk/project-stacks.ts';
import { fixtureProject as project } from '../helpers/fixture-project.ts';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStacksCommand,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { destroyStacks, type DestroyDeps } from '../../src/cdk/destroy-stacks.ts';
import type { InfraArgs } from '../../src/cdk/parse-infra-args.ts';

t.test('cdk/project-stacks.ts', async (t) => {
  t.test('every stack comes before the stacks it needs, and each needed stack is one of them', (t) => {
    const stacks = projectStacks(project);
    const at = new Map(stacks.map((s, i) => [s.name, i]));
    for (const [i, stack] of stacks.entries()) {
      for (const need of stack.needs) t.ok((at.get(need) ?? -1) > i, `${stack.name} goes before ${need}`);
    }
    // A stage is deleted with its own bootstrap's execution role and carries the foundation's boundary.
    t.same(stacks.find((s) => s.name === stageStackName(project, 'prod'))?.needs, [
      bootstrapStackName(project, 'prod'),
      foundationStackName(project),
    ]);
    t.same(
      stacks
        .filter((s) => s.kind === 'app')
        .map((s) => s.name)
        .sort(),
      appStackNames(project).sort(),
    );
    t.end();
  });
});

t.test('cdk/destroy-stacks.ts', async (t) => {
  const STACKS = projectStacks(project);
  const FOUNDATION = foundationStackName(project);
  const STAGING = stageStackName(project, 'staging');
  const PROD = stageStackName(project, 'prod');
  const BOOT_STAGING = bootstrapStackName(project, 'staging');
  const BOOT_PROD = bootstrapStackName(project, 'prod');

  const gone = Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError' });

  /** CloudFormation with these stacks in place; a deleted bootstrap stack is gone on the next read. */
  function cloudFormation(t: Test, existing: readonly string[], deleted: StackStatus = 'DELETE_COMPLETE') {
    const mock = mockClient(CloudFormationClient);
    t.teardown(() => mock.restore());
    const live = new Set(existing);
    mock.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
      if (live.has(input.StackName)) {
        return { Stacks: [{ StackName: input.StackName, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] };
      }
      if (deleted !== 'DELETE_COMPLETE' && existing.includes(input.StackName)) {
        return { Stacks: [{ StackName: input.StackName, StackStatus: deleted, CreationTime: new Date() }] };
      }
      throw gone;
    });
    mock.on(DeleteStackCommand).callsFake((input: { StackName: string }) => {
      live.delete(input.StackName);
      return {};
    });
    return mock;
  }

  function setup(options: { code?: number; answer?: boolean; env?: Record<string, string> } = {}) {
    let out = '';
    const runs: (readonly string[])[] = [];
    const questions: string[] = [];
    const deps: DestroyDeps = {
      cloudFormation: () =>
        new CloudFormationClient({
          region: project.aws.region,
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
      runCdk: (args) => {
        runs.push(args);
        return Promise.resolve(options.code ?? 0);
      },
      confirm: (question) => {
        questions.push(question);
        return options.answer === undefined ? undefined : Promise.resolve(options.answer);
      },
      stdout: { write: (s: string) => (out += s) },
      env: options.env ?? {},
      account: project.aws.account,
      region: project.aws.region,
      deleteWaitSeconds: 60,
    };
    return { deps, runs, questions, out: () => out };
  }

  const args = (stacks: string[], extra: Partial<InfraArgs> = {}): InfraArgs => ({
    command: 'destroy',
    stacks,
    all: false,
    help: false,
    noChangeSet: false,
    force: true,
    verbose: false,
    passthrough: [],
    ...extra,
  });

  t.test('the whole teardown in one call runs in teardown order: stages, bootstraps, foundation', async (t) => {
    const cfn = cloudFormation(
      t,
      STACKS.map((s) => s.name),
    );
    const run = setup();
    const code = await destroyStacks(args([FOUNDATION, BOOT_PROD, PROD, BOOT_STAGING, STAGING]), STACKS, run.deps);
    t.equal(code, 0);
    // App stacks go through cdk destroy (its own prompt answered by ours); bootstrap stacks through CloudFormation.
    t.same(run.runs, [
      ['destroy', STAGING, '--force'],
      ['destroy', PROD, '--force'],
      ['destroy', FOUNDATION, '--force'],
    ]);
    t.same(
      cfn.commandCalls(DeleteStackCommand).map((c) => c.args[0].input.StackName),
      [BOOT_STAGING, BOOT_PROD],
    );
    t.match(run.out(), `${BOOT_STAGING}: deleted`);
  });

  t.test('a stack still needed by one that stays is refused, and nothing is deleted', async (t) => {
    const cfn = cloudFormation(t, [FOUNDATION, STAGING, BOOT_STAGING, BOOT_PROD]);
    const run = setup();
    await t.rejects(destroyStacks(args([FOUNDATION]), STACKS, run.deps), {
      message: `infra:destroy: ${FOUNDATION} is still needed by ${STAGING}, ${BOOT_STAGING}, ${BOOT_PROD}, which exist; delete them first (pnpm infra:destroy ${STAGING} ${BOOT_STAGING} ${BOOT_PROD}). Nothing was deleted.`,
    });
    await t.rejects(destroyStacks(args([BOOT_STAGING, BOOT_PROD]), STACKS, run.deps), {
      message: new RegExp(`${BOOT_STAGING} is still needed by ${STAGING}, which exists; delete it first`),
    });
    t.same(run.runs, []);
    t.same(cfn.commandCalls(DeleteStackCommand), []);
  });

  t.test('stacks already gone are skipped with a note; deleting again is harmless', async (t) => {
    cloudFormation(t, [BOOT_PROD]);
    const run = setup();
    t.equal(await destroyStacks(args([STAGING, PROD]), STACKS, run.deps), 0);
    t.same(run.runs, []);
    t.match(
      run.out(),
      `${STAGING}: does not exist in account ${project.aws.account} (${project.aws.region}); nothing to delete`,
    );
  });

  t.test('without --force it asks once at a terminal, and refuses where nobody can answer', async (t) => {
    cloudFormation(t, [STAGING, PROD]);
    const noTerminal = setup();
    await t.rejects(destroyStacks(args([STAGING, PROD], { force: false }), STACKS, noTerminal.deps), {
      message: `infra:destroy: no terminal to confirm on; pass --force to delete ${STAGING}, ${PROD}`,
      exitCode: 2,
    });
    const no = setup({ answer: false });
    t.equal(await destroyStacks(args([STAGING], { force: false }), STACKS, no.deps), 1);
    t.same(no.runs, []);
    t.match(no.questions, [
      `Delete ${STAGING} from account ${project.aws.account} (${project.aws.region}), in this order?`,
    ]);
    t.match(no.out(), 'Nothing was deleted.');
    const yes = setup({ answer: true });
    t.equal(
      await destroyStacks(
        args([STAGING], { force: false, verbose: true, passthrough: ['--profile', 'x'] }),
        STACKS,
        yes.deps,
      ),
      0,
    );
    t.same(yes.runs, [['destroy', STAGING, '--force', '--verbose', '--profile', 'x']]);
    const ci = setup({ env: { CI: 'true' } });
    t.equal(await destroyStacks(args([STAGING], { force: false }), STACKS, ci.deps), 0);
    t.same(ci.questions, [], 'a pipeline asked for the deletion itself');
  });

  t.test('a failed cdk destroy stops the teardown with its exit code', async (t) => {
    const cfn = cloudFormation(t, [STAGING, BOOT_STAGING]);
    const run = setup({ code: 1 });
    t.equal(await destroyStacks(args([STAGING, BOOT_STAGING]), STACKS, run.deps), 1);
    t.same(cfn.commandCalls(DeleteStackCommand), [], 'the bootstrap stack stays for a retry');
  });

  t.test('a bootstrap stack CloudFormation cannot delete says where to read why', async (t) => {
    cloudFormation(t, [BOOT_STAGING], 'DELETE_FAILED');
    const run = setup();
    await t.rejects(destroyStacks(args([BOOT_STAGING]), STACKS, run.deps), {
      message: new RegExp(
        `^deleting ${BOOT_STAGING} did not complete \\(.*\\); .*aws cloudformation describe-stack-events --stack-name ${BOOT_STAGING}$`,
      ),
    });
  });

  t.test('a stack that cannot be read is an error naming the call, not a guess', async (t) => {
    const mock = mockClient(CloudFormationClient);
    t.teardown(() => mock.restore());
    mock.on(DescribeStacksCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
    await t.rejects(destroyStacks(args([STAGING]), STACKS, setup().deps), {
      message: `cannot read the stack ${STAGING} (cloudformation:DescribeStacks): AccessDenied: no`,
    });
  });
});
