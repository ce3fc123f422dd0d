// Rule `tool-install`: every job that runs a command needing an outside tool (cfn-lint under
// `pnpm synth`, haproxy under the rehearsal, ...) installs it in an earlier step, or runs on an
// image that has it. Rule `tool-version`: a pipx install names its version, so jobs agree.
// Rule `tool-list`: every program the code spawns by name is one the first rule knows.
import { commandNeeds, shellCommands } from './command-needs.ts';
import type { Finding } from './finding.ts';
import { EVERYWHERE, OUTSIDE_TOOLS, type OutsideTool } from './outside-tools.ts';
import { isMap, ruleContext, type Json, type RuleContext } from './rule-context.ts';
import type { SourceFile } from './workflow-file.ts';
import type { Workspace } from './workspace.ts';
import type { YamlPath } from './yaml-source.ts';

interface JobState {
  readonly installed: Set<string>;
  readonly ctx: RuleContext;
  readonly job: string;
}

/** The packages an `apt-get install` / `pipx install` line installs, and pipx ones without a version. */
function installs(run: string): { apt: string[]; pipx: string[]; unpinned: string[] } {
  const found = { apt: [] as string[], pipx: [] as string[], unpinned: [] as string[] };
  for (const words of shellCommands(run)) {
    const [program, sub, ...rest] = words;
    const packages = rest.filter((w) => !w.startsWith('-'));
    if ((program === 'apt-get' || program === 'apt') && sub === 'install') found.apt.push(...packages);
    if (program === 'pipx' && sub === 'install') {
      for (const spec of packages) {
        const [name] = spec.split(/[=<>~!]=?/);
        found.pipx.push(name!);
        if (!spec.includes('==')) found.unpinned.push(spec);
      }
    }
  }
  return found;
}

const installedBy = (tool: OutsideTool, found: ReturnType<typeof installs>): boolean =>
  (tool.apt !== undefined && found.apt.includes(tool.apt)) ||
  (tool.pipx !== undefined && found.pipx.includes(tool.pipx));

function howToInstall(tool: OutsideTool, actions: ReadonlyMap<string, Json>): string {
  const local = [...actions].find(([, action]) =>
    steps(action.runs).some((s) => typeof s.run === 'string' && installedBy(tool, installs(s.run))),
  );
  if (local !== undefined) return `- uses: ./${local[0].replace(/\/action\.ya?ml$/, '')}`;
  return tool.pipx !== undefined
    ? `pipx install ${tool.pipx}==<version>`
    : `sudo apt-get install -y ${String(tool.apt)}`;
}

const steps = (parent: unknown): Json[] =>
  isMap(parent) && Array.isArray(parent.steps) ? parent.steps.filter(isMap) : [];

/** Checks one step (and, for a local composite action, its steps) against what is installed so far. */
function checkStep(step: Json, at: YamlPath, state: JobState, context: Context): void {
  const uses = typeof step.uses === 'string' ? step.uses.replace(/^\.\//, '') : undefined;
  const action =
    uses === undefined
      ? undefined
      : (context.actions.get(`${uses}/action.yml`) ?? context.actions.get(`${uses}/action.yaml`));
  if (action !== undefined) {
    for (const inner of steps(action.runs)) checkStep(inner, at, state, context);
    return;
  }
  if (typeof step.run !== 'string') return;
  const found = installs(step.run);
  for (const spec of found.unpinned) {
    state.ctx.report(
      'tool-version',
      [...at, 'run'],
      `pipx install ${spec} installs whatever version is newest; pin it (pipx install ${spec}==X.Y.Z) so every job and every run checks alike`,
    );
  }
  for (const tool of OUTSIDE_TOOLS) if (installedBy(tool, found)) state.installed.add(tool.command);
  for (const need of commandNeeds(step.run, context.workspace, OUTSIDE_TOOLS)) {
    if (state.installed.has(need.tool)) continue;
    const tool = OUTSIDE_TOOLS.find((t) => t.command === need.tool)!;
    state.ctx.report(
      'tool-install',
      [...at, 'run'],
      `job "${state.job}" runs \`${need.via[0]}\`, which needs ${need.tool} (${need.via.slice(1).join(' → ')}), but no earlier step installs it; install it before: ${howToInstall(tool, context.actions)}`,
    );
    // One finding per tool and job: later steps would only repeat it.
    state.installed.add(need.tool);
  }
}

interface Context {
  readonly workspace: Workspace;
  /** Local composite actions by path (`.github/actions/x/action.yml`), as data. */
  readonly actions: ReadonlyMap<string, Json>;
}

/** `tool-install` and `tool-version` findings for every job of every workflow. */
export function checkToolInstalls(files: readonly SourceFile[], workspace: Workspace): Finding[] {
  const findings: Finding[] = [];
  const actions = new Map(
    files.filter((f) => f.kind === 'action' && isMap(f.source.data)).map((f) => [f.path, f.source.data as Json]),
  );
  for (const file of files.filter((f) => f.kind === 'workflow')) {
    const data = file.source.data;
    const jobs = isMap(data) && isMap(data.jobs) ? data.jobs : {};
    for (const [id, job] of Object.entries(jobs)) {
      const state: JobState = {
        installed: new Set(OUTSIDE_TOOLS.filter((t) => t.onRunnerImage).map((t) => t.command)),
        ctx: ruleContext(file.path, file.source, findings),
        job: id,
      };
      steps(job).forEach((step, i) => checkStep(step, ['jobs', id, 'steps', i], state, { workspace, actions }));
    }
  }
  return findings;
}

/** spawn, spawnSync, execFile, execFileSync, execa or execvp with the program's name as a literal: the code runs it by name. */
const SPAWNS = /\b(?:spawn|spawnSync|execFile|execFileSync|execa|execvpe?)\(\s*(['"`])([\w.+-]+)\1/g;

/**
 * Rule `tool-list`: every program the workspace's code spawns by name is in OUTSIDE_TOOLS (so the
 * tool-install rule knows how it is installed) or is one that every runner has.
 */
export function checkToolList(workspace: Workspace): Finding[] {
  const known = new Set([...OUTSIDE_TOOLS.map((t) => t.command), ...EVERYWHERE]);
  const findings: Finding[] = [];
  for (const pkg of workspace.packages) {
    for (const file of workspace.list(pkg.dir).filter((f) => /\.(?:[cm]?[jt]s|py)$/.test(f))) {
      const text = String(workspace.read(file));
      for (const match of text.matchAll(SPAWNS)) {
        const command = match[2]!;
        if (known.has(command)) continue;
        findings.push({
          file,
          line: text.slice(0, match.index).split('\n').length,
          rule: 'tool-list',
          message: `spawns ${command}, which packages/workflows/src/outside-tools.ts does not list; add it with its apt or pipx package and whether GitHub's runner image has it, so jobs that run this code install it`,
        });
      }
    }
  }
  return findings;
}
