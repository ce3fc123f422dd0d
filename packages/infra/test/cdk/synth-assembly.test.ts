import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { appStackNames } from '../../src/cdk/project-stacks.ts';
import { CDK_CONTEXT, synthAssembly } from '../../src/cdk/synth-assembly.ts';
import { fixtureProject } from '../helpers/fixture-project.ts';

// The CloudFormation validator costs seconds per synth; `cdk synth` keeps it on.
process.env.CDK_VALIDATION = 'false';

t.test("synthesizes the project's stacks with cdk.json's context into the given folder", (t) => {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-assembly-'));
  t.teardown(() => rmSync(outdir, { recursive: true, force: true }));
  const assembly = synthAssembly(fixtureProject, outdir);
  t.equal(assembly.directory, outdir);
  t.same(assembly.stacks.map((s) => s.stackName).sort(), appStackNames(fixtureProject).sort());
  t.match(
    CDK_CONTEXT,
    { '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': true },
    "cdk.json's flags",
  );
  t.end();
});
