// Runs cfn-lint (CloudFormation's linter) on every template `cdk synth` wrote to cdk.out; part of
// `pnpm synth` and so of `pnpm check`. Missing cfn-lint is reported with how to install it, and
// fails the run in CI rather than skipping silently.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LintCfnDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Runs a command, returning its exit status (null when it could not start). */
  readonly run: (command: string, args: readonly string[]) => number | null;
  readonly log: (line: string) => void;
}

export const INSTALL_HINT =
  "cfn-lint is not installed: install it with `pipx install cfn-lint` (GitHub's runners do this in CI)";

/** The template files of the stacks in a cloud assembly's manifest. */
export function templateFiles(outdir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const files = Object.values(manifest.artifacts)
    .filter((a) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile !== undefined)
    .map((a) => join(outdir, a.properties!.templateFile!));
  if (files.length === 0) throw new Error(`no stack templates in ${outdir}/manifest.json: run cdk synth first`);
  return files;
}

/** Exit code: 0 clean (or cfn-lint missing outside CI), 1 findings or cfn-lint missing in CI. */
export function lintCfn(templates: readonly string[], configFile: string, deps: LintCfnDeps): number {
  if (deps.run('cfn-lint', ['--version']) !== 0) {
    if (deps.env.CI === 'true') {
      deps.log(`error: ${INSTALL_HINT}`);
      return 1;
    }
    deps.log(`warning: ${INSTALL_HINT}; skipped linting ${templates.length} templates`);
    return 0;
  }
  // Any finding (cfn-lint's exit code is a bit mask of error 2, warning 4, info 8) fails the run.
  const status = deps.run('cfn-lint', ['--config-file', configFile, '--', ...templates]);
  deps.log(
    status === 0
      ? `cfn-lint: ${templates.length} templates, no findings`
      : `cfn-lint found problems (exit ${String(status)})`,
  );
  return status === 0 ? 0 : 1;
}

/* c8 ignore start -- the command-line entry, exercised by `pnpm synth` itself */
if (import.meta.url === `file://${process.argv[1]}`) {
  const run = (command: string, args: readonly string[]): number | null =>
    spawnSync(command, args, { stdio: 'inherit' }).status;
  process.exitCode = lintCfn(templateFiles('cdk.out'), '.cfnlintrc.yaml', {
    env: process.env,
    run,
    log: (line) => console.log(line),
  });
}
/* c8 ignore stop */
