// Which outside tools a shell command needs, found by following it through the workspace as pnpm
// and turbo would run it: root and package scripts, turbo tasks and their dependsOn, the files
// tsx/node/tap run and everything those import. A file needs a tool when it spawns it by name.
import { posix } from 'node:path';
import { PNPM_COMMANDS } from './pnpm-commands.ts';
import type { OutsideTool } from './outside-tools.ts';
import type { Workspace, WorkspacePackage } from './workspace.ts';

export interface Need {
  readonly tool: string;
  /** How the command reaches it: scripts, tasks and files, outermost first. */
  readonly via: readonly string[];
}

/** A call of spawn, spawnSync, execFile, execa, an injected `run` or Python's exec/Popen with the program's name as a literal first argument. */
export const SPAWN_CALL =
  /\b(?:spawn|spawnSync|execFile|execFileSync|execa|run|execvpe?|Popen|check_call|check_output)\(\s*\[?\s*(['"`])([\w.+-]+)\1/g;
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\1/g;
const CODE = /\.(?:[cm]?[jt]s|py)$/;
/** pnpm flags that take a folder as their value. */
const DIR_FLAGS = new Set(['-C', '--dir']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(', 'time', 'exec']);

/** The simple commands of a script, each as words (quotes removed), prefixes like sudo and env stripped. */
export function shellCommands(script: string): string[][] {
  return script
    .replace(/\\\n/g, ' ')
    .split(/\n|&&|\|\||;|\|/)
    .map((part) => (part.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2')))
    .map((words) => {
      let i = 0;
      for (;;) {
        const w = words[i];
        if (w === undefined) break;
        if (KEYWORDS.has(w) || /^[A-Za-z_]\w*=/.test(w)) i++;
        else if (w === 'sudo' || w === 'env') {
          i++;
          while (words[i]?.startsWith('-') === true) i++;
        } else break;
      }
      return words.slice(i).filter((w) => !w.startsWith('#'));
    })
    .filter((words) => words.length > 0 && !words[0]!.startsWith('#'));
}

// tap's include globs: a double star and slash match any folders, a star any part of a name.
function globRegExp(glob: string): RegExp {
  const part = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${glob.split('**/').map(part).join('(?:.*/)?')}$`);
}

class NeedFinder {
  readonly found = new Map<string, string[]>();
  private readonly seen = new Set<string>();
  private readonly ws: Workspace;
  private readonly tools: ReadonlySet<string>;

  constructor(ws: Workspace, tools: readonly OutsideTool[]) {
    this.ws = ws;
    this.tools = new Set(tools.map((t) => t.command));
  }

  private need(tool: string, via: readonly string[]): void {
    if (!this.found.has(tool)) this.found.set(tool, [...via]);
  }

  private once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  private select(filter: string): WorkspacePackage[] {
    const all = [this.ws.root, ...this.ws.packages];
    const withDeps = (name: string, into: Set<WorkspacePackage>): void => {
      const pkg = all.find((p) => p.name === name);
      if (pkg === undefined || into.has(pkg)) return;
      into.add(pkg);
      for (const dep of pkg.dependencies) withDeps(dep, into);
    };
    const found = new Set<WorkspacePackage>();
    const name = filter.replace(/\^?\.\.\.$/, '');
    withDeps(name, found);
    if (!filter.endsWith('...')) return [...found].filter((p) => p.name === name);
    return [...found].filter((p) => !filter.endsWith('^...') || p.name !== name);
  }

  script(pkg: WorkspacePackage, name: string, via: readonly string[]): void {
    const text = pkg.scripts[name];
    if (text === undefined || !this.once(`script ${pkg.dir} ${name}`)) return;
    this.text(text, pkg, [...via, `${pkg.name}#${name}`]);
  }

  private task(pkg: WorkspacePackage, task: string, via: readonly string[]): void {
    if (!this.once(`task ${pkg.dir} ${task}`)) return;
    for (const dep of this.ws.dependsOn(task)) {
      if (dep.startsWith('//#')) this.script(this.ws.root, dep.slice(3), via);
      else if (dep.startsWith('^')) {
        for (const name of pkg.dependencies) for (const p of this.select(name)) this.task(p, dep.slice(1), via);
      } else this.task(pkg, dep, via);
    }
    this.script(pkg, task, via);
  }

  file(path: string, via: readonly string[]): void {
    if (!CODE.test(path) || !this.once(`file ${path}`)) return;
    const text = this.ws.read(path);
    if (text === undefined) return;
    const here = [...via, path];
    for (const [, , command] of text.matchAll(SPAWN_CALL)) if (this.tools.has(command!)) this.need(command!, here);
    for (const [, , spec] of text.matchAll(IMPORT)) {
      if (spec!.startsWith('.')) this.file(posix.normalize(posix.join(posix.dirname(path), spec!)), here);
      for (const pkg of this.ws.packages) {
        if (spec === pkg.name || spec!.startsWith(`${pkg.name}/`)) {
          const target = pkg.exports[`.${spec!.slice(pkg.name.length)}`];
          if (target !== undefined) this.file(posix.join(pkg.dir, target), here);
        }
      }
    }
  }

  private pnpm(words: readonly string[], pkg: WorkspacePackage, via: readonly string[]): void {
    let i = 1;
    let targets = [pkg];
    while (words[i]?.startsWith('-') === true) {
      const flag = words[i]!;
      if (flag === '--filter' || flag === '-F') targets = this.select(words[++i] ?? '');
      else if (flag.startsWith('--filter=')) targets = this.select(flag.slice('--filter='.length));
      else if (flag === '-w' || flag === '--workspace-root') targets = [this.ws.root];
      else if (DIR_FLAGS.has(flag)) i++;
      i++;
    }
    const sub = words[i];
    if (sub === 'exec') {
      for (const target of targets) this.command(words.slice(i + 1), target, via);
      return;
    }
    if (sub === undefined || PNPM_COMMANDS.has(sub)) return;
    let name = sub;
    if (sub === 'run') {
      i++;
      while (words[i]?.startsWith('-') === true) i++;
      name = words[i] ?? '';
    }
    for (const target of targets) this.script(target, name, via);
  }

  private turbo(words: readonly string[], via: readonly string[]): void {
    const tasks: string[] = [];
    const filters: string[] = [];
    for (let i = 2; i < words.length; i++) {
      const w = words[i]!;
      if (w === '--filter' || w === '-F') filters.push(words[++i] ?? '');
      else if (w.startsWith('--filter=')) filters.push(w.slice('--filter='.length));
      else if (!w.startsWith('-')) tasks.push(w);
    }
    const selected = filters.length === 0 ? [...this.ws.packages] : filters.flatMap((f) => this.select(f));
    for (const task of tasks) for (const pkg of selected) this.task(pkg, task, via);
  }

  command(words: readonly string[], pkg: WorkspacePackage, outer: readonly string[]): void {
    const [first, ...args] = words;
    const via = [...outer, words.join(' ')];
    const program = posix.basename(String(first));
    if (program === 'pnpm') this.pnpm(words, pkg, via);
    else if (program === 'turbo' && args[0] === 'run') this.turbo(words, via);
    else if (program === 'tsx' || program === 'node') {
      const file = args.find((a) => !a.startsWith('-'));
      if (file !== undefined && !args.includes('-e')) this.file(posix.join(pkg.dir, file), via);
    } else if (program === 'tap') {
      const globs = pkg.tests.map(globRegExp);
      for (const file of this.ws.list(pkg.dir)) {
        if (globs.some((g) => g.test(posix.relative(pkg.dir, file)))) this.file(file, via);
      }
    } else if (program === 'cdk') {
      const app = (JSON.parse(this.ws.read(posix.join(pkg.dir, 'cdk.json')) ?? '{}') as { app?: unknown }).app;
      if (typeof app === 'string') this.text(app, pkg, [...via, `${pkg.dir}/cdk.json`]);
    } else if (this.tools.has(program)) this.need(program, via);
  }

  text(script: string, pkg: WorkspacePackage, via: readonly string[]): void {
    for (const words of shellCommands(script)) this.command(words, pkg, via);
  }
}

/** The outside tools a command run at the workspace root needs, each with how it gets there. */
export function commandNeeds(script: string, ws: Workspace, tools: readonly OutsideTool[]): Need[] {
  const finder = new NeedFinder(ws, tools);
  finder.text(script, ws.root, []);
  return [...finder.found].map(([tool, via]) => ({ tool, via }));
}
