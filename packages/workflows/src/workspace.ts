// The pnpm workspace as the tool-install rule reads it: every package's scripts, workspace
// dependencies, test files and exports, turbo's task graph, and the text of any file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { isMap, type Json } from './rule-context.ts';

export interface WorkspacePackage {
  readonly name: string;
  /** Relative to the root, '' for the root package. */
  readonly dir: string;
  readonly scripts: Readonly<Record<string, string>>;
  /** Names of the workspace packages it depends on (any dependency field). */
  readonly dependencies: readonly string[];
  /** tap's `include` globs (its test files). */
  readonly tests: readonly string[];
  /** `exports` subpaths mapped to files, relative to dir. */
  readonly exports: Readonly<Record<string, string>>;
}

export interface Workspace {
  readonly root: WorkspacePackage;
  readonly packages: readonly WorkspacePackage[];
  /** turbo.json's `dependsOn` of a task. */
  dependsOn(task: string): readonly string[];
  /** The text of a file relative to the root, undefined when there is none. */
  read(path: string): string | undefined;
  /** Files under a directory relative to the root, recursively, skipping node_modules. */
  list(dir: string): string[];
}

const SKIP = new Set(['node_modules', 'dist', '.git', '.turbo', '.tap', 'cdk.out', 'coverage']);

function readJson(root: string, path: string): Json {
  try {
    const value: unknown = JSON.parse(readFileSync(join(root, path), 'utf8'));
    return isMap(value) ? value : {};
  } catch {
    return {};
  }
}

const strings = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(isMap(value) ? value : {})
      .map(([k, v]) => [k, isMap(v) ? v.default : v])
      .filter((e): e is [string, string] => typeof e[1] === 'string'),
  );

function readPackage(root: string, dir: string, names: ReadonlySet<string>): WorkspacePackage {
  const json = readJson(root, posix.join(dir, 'package.json'));
  const deps = ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((f) =>
    Object.keys(isMap(json[f]) ? json[f] : {}),
  );
  const tap = isMap(json.tap) ? json.tap : {};
  return {
    name: typeof json.name === 'string' ? json.name : dir,
    dir,
    scripts: strings(json.scripts),
    dependencies: deps.filter((d) => names.has(d)),
    tests: Array.isArray(tap.include) ? tap.include.filter((g): g is string => typeof g === 'string') : [],
    exports: strings(json.exports),
  };
}

/** Reads the workspace at root: pnpm-workspace.yaml's `dir/*` patterns, each package.json, turbo.json. */
export function readWorkspace(root: string): Workspace {
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  const list = (dir: string): string[] => {
    let names: string[];
    try {
      names = readdirSync(join(root, dir));
    } catch {
      return [];
    }
    return names
      .filter((n) => !SKIP.has(n))
      .flatMap((n) => {
        const path = posix.join(dir, n);
        return statSync(join(root, path)).isDirectory() ? list(path) : [path];
      });
  };
  const manifest: unknown = parse(read('pnpm-workspace.yaml') ?? '{}');
  const patterns = isMap(manifest) && Array.isArray(manifest.packages) ? manifest.packages : [];
  const dirs = patterns
    .filter((p): p is string => typeof p === 'string' && p.endsWith('/*'))
    .flatMap((p) => {
      const parent = p.slice(0, -2);
      let entries: string[] = [];
      try {
        entries = readdirSync(join(root, parent)).sort();
      } catch {
        // A pattern whose folder does not exist (yet) matches nothing.
      }
      return entries.map((n) => posix.join(parent, n)).filter((d) => read(posix.join(d, 'package.json')) !== undefined);
    });
  const names = new Set(dirs.map((d) => String(readJson(root, posix.join(d, 'package.json')).name)));
  const tasks = readJson(root, 'turbo.json').tasks;
  return {
    root: readPackage(root, '', names),
    packages: dirs.map((d) => readPackage(root, d, names)),
    dependsOn: (task) => {
      const spec = isMap(tasks) ? tasks[task] : undefined;
      return isMap(spec) && Array.isArray(spec.dependsOn) ? spec.dependsOn.filter((d) => typeof d === 'string') : [];
    },
    read,
    list,
  };
}
