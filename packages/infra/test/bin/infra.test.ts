// bin/infra.ts as `cdk synth` runs it: stack names, account and region from config, cdk-nag registered.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { foundationStackName, stageStackName } from '@hello/config/naming';
import { project } from '@hello/config/project';
import { CDK_CONTEXT } from '../helpers/test-app.ts';

// The CDK CLI hands the app cdk.json's context and an output directory through these variables.
const outdir = mkdtempSync(join(tmpdir(), 'infra-bin-'));
process.env.CDK_CONTEXT_JSON = JSON.stringify(CDK_CONTEXT);
process.env.CDK_OUTDIR = outdir;
t.teardown(() => rmSync(outdir, { recursive: true, force: true }));
const { app, stacks } = await import('../../bin/infra.ts');
const assembly = app.synth();

t.test('one foundation stack and one stack per stage, named from config', async (t) => {
  // The release CLI and the workflows find stacks by these names.
  t.same(
    assembly.stacks.map((s) => s.stackName).sort(),
    [foundationStackName(project), stageStackName(project, 'staging'), stageStackName(project, 'prod')].sort(),
  );
  t.equal(stacks.foundation.stackName, foundationStackName(project));
});

t.test('every stack is bound to the configured account and region', async (t) => {
  // Deploying with credentials for another account fails instead of creating a stray copy.
  for (const stack of assembly.stacks)
    t.same(
      [stack.environment.account, stack.environment.region],
      [project.aws.account, project.aws.region],
      stack.stackName,
    );
});

t.test('runs with the context of cdk.json', async (t) => {
  // Feature flags decide resource shapes; the app must see the same ones as the tests.
  t.equal(app.node.tryGetContext('@aws-cdk/aws-ec2:restrictDefaultSecurityGroup'), true);
  t.equal(readFileSync(join(outdir, 'manifest.json'), 'utf8').length > 0, true);
});

t.test('every acknowledgement has a reason', async (t) => {
  const acknowledgements = app.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>)),
    );
  t.ok(acknowledgements.length > 0);
  // A suppression without an explanation hides a risk nobody can review.
  for (const [id, reason] of acknowledgements) t.ok(reason.length >= 40, `${id} has a reason`);
});

t.test('cdk-nag AwsSolutions is registered: an unacknowledged finding fails synth', async (t) => {
  // A bucket without access logs (AwsSolutions-S1) added to the real app must stop the synth.
  new Bucket(new Stack(app, 'NagProbe'), 'Unlogged');
  const quiet = t.capture(console, 'error');
  t.throws(() => app.synth({ force: true }), /Validation failed/);
  t.ok(quiet().length > 0);
  t.match(readFileSync(join(outdir, 'validation-report.json'), 'utf8'), /AwsSolutions-S1/);
});
