// The agent's Install event: undo the deployment group's last install, plan the copies and the
// permission changes, refuse what the agent refuses, then run the plan and record it for the next
// cleanup. Source: github:aws/aws-codedeploy-agent, lib/instance_agent/plugins/codedeploy/
// installer.rb (Installer#install, #generate_instructions, #generate_directory_copy,
// #generate_normal_copy, #fill_in_missing_ancestors), install_instruction.rb (CommandBuilder#copy,
// #mkdir, #set_permissions, #find_matches; RemoveCommand) and application_specification/
// linux_permission_info.rb (#validate_file_permission, #matches_pattern?, #matches_except?).
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Appspec, AppspecPermission } from './appspec.ts';

type Behavior = 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
type Command =
  | { readonly kind: 'copy'; readonly source: string; readonly destination: string }
  | { readonly kind: 'mkdir'; readonly directory: string }
  | { readonly kind: 'chmod'; readonly path: string; readonly mode: string }
  | { readonly kind: 'chown'; readonly path: string; readonly owner?: string; readonly group?: string };

export interface InstallOptions {
  readonly archiveDir: string;
  /** Where the agent keeps `<group id>-cleanup` (deployment-instructions). */
  readonly instructionsDir: string;
  readonly deploymentGroupId: string;
  /** The deployment's own setting, used when the appspec sets none. */
  readonly fileExistsBehavior: Behavior;
  /** Maps an appspec path on the real host into the rehearsal host's tree. */
  readonly mapPath: (path: string) => string;
}

/** LinuxPermissionInfo#matches_simple_glob: `*` only; a name with a `/` never matches. */
export function matchesSimpleGlob(name: string, pattern: string): boolean {
  if (name.includes('/')) return false;
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's').test(name);
}

/** Below the object (never the object itself); `**` anything below, else a direct child. */
function matches(p: AppspecPermission, object: string, path: string): boolean {
  const base = `${object.replace(/\/+$/, '')}/`;
  if (!path.startsWith(base)) return false;
  const rel = path.slice(base.length);
  const inPattern = p.pattern === '**' || matchesSimpleGlob(rel, p.pattern);
  return inPattern && !p.except.some((e) => matchesSimpleGlob(rel, e));
}

class Plan {
  readonly commands: Command[] = [];
  private readonly copies = new Map<string, string>();
  private readonly dirs = new Set<string>();
  private readonly permissionTargets = new Set<string>();

  copy(source: string, destination: string): void {
    const to = resolve(destination);
    if (this.copies.has(to))
      throw new Error(
        `The deployment failed because the application specification file specifies two source files named ${source} and ${this.copies.get(to)} for the same destination (${to}). Remove one of the source file paths from the AppSpec file, and then try again.`,
      );
    if (this.dirs.has(to))
      throw new Error(
        `The deployment failed because the application specification file calls for installing the file ${source}, but a file with that name already exists at the location (${to}). Update your AppSpec file or directory structure, and then try again.`,
      );
    this.commands.push({ kind: 'copy', source, destination: to });
    this.copies.set(to, source);
  }

  mkdir(destination: string): void {
    const dir = resolve(destination);
    if (this.copies.has(dir))
      throw new Error(
        `The deployment failed because the application specification file includes an mkdir command more than once for the same destination path (${dir}) from (${this.copies.get(dir)}). Update the files section of the AppSpec file, and then try again.`,
      );
    if (!this.dirs.has(dir)) this.commands.push({ kind: 'mkdir', directory: dir });
    this.dirs.add(dir);
  }

  isCopied = (path: string): boolean => this.copies.has(resolve(path));
  isMade = (path: string): boolean => this.dirs.has(resolve(path));

  /** Only what this install copies or creates is matched, never what was already there. */
  findMatches(p: AppspecPermission, object: string): string[] {
    return [
      ...(p.type.includes('file') ? [...this.copies.keys()].filter((f) => matches(p, object, f)) : []),
      ...(p.type.includes('directory') ? [...this.dirs].filter((d) => matches(p, object, d)) : []),
    ];
  }

  setPermissions(path: string, p: AppspecPermission): void {
    const target = resolve(path);
    if (this.permissionTargets.has(target))
      throw new Error(
        `The deployment failed because the permissions setting for (${target}) is specified more than once in the application specification file. Update the files section of the AppSpec file, and then try again.`,
      );
    this.permissionTargets.add(target);
    if (p.mode !== undefined) this.commands.push({ kind: 'chmod', path: target, mode: p.mode });
    if (p.owner !== undefined || p.group !== undefined)
      this.commands.push({ kind: 'chown', path: target, owner: p.owner, group: p.group });
  }
}

function planCopy(plan: Plan, source: string, destination: string, behavior: Behavior): void {
  if (!existsSync(destination)) return plan.copy(source, destination);
  if (behavior === 'DISALLOW')
    throw new Error(`The deployment failed because a specified file already exists at this location: ${destination}`);
  if (behavior === 'OVERWRITE') plan.copy(source, destination);
  // RETAIN: neither copied nor failed
}

function planDirectory(plan: Plan, source: string, destination: string, behavior: Behavior): void {
  if (!statSync(destination, { throwIfNoEntry: false })?.isDirectory()) plan.mkdir(destination);
  for (const entry of readdirSync(source).sort()) {
    const from = join(source, entry);
    if (statSync(from).isDirectory()) planDirectory(plan, from, join(destination, entry), behavior);
    else planCopy(plan, from, join(destination, entry), behavior);
  }
}

function missingAncestors(plan: Plan, destination: string): void {
  const missing: string[] = [];
  for (let dir = dirname(destination); !existsSync(dir) && dir !== '/' && dir !== '.'; dir = dirname(dir))
    missing.unshift(dir);
  for (const dir of missing) plan.mkdir(dir);
}

function plan(appspec: Appspec, o: InstallOptions): Plan {
  const p = new Plan();
  const behavior = appspec.fileExistsBehavior ?? o.fileExistsBehavior;
  for (const f of appspec.files) {
    const source = join(o.archiveDir, f.source);
    const destination = o.mapPath(f.destination);
    if (statSync(source).isDirectory()) {
      missingAncestors(p, destination);
      planDirectory(p, source, destination, behavior);
    } else {
      const to = join(destination, basename(source));
      missingAncestors(p, to);
      planCopy(p, source, to, behavior);
    }
  }
  for (const permission of appspec.permissions) {
    const object = o.mapPath(permission.object);
    if (p.isCopied(object)) {
      if (!permission.type.includes('file')) continue;
      if (permission.pattern !== '**')
        throw new Error(
          `The deployment failed because the application specification file includes an object (${permission.object}) with an invalid pattern (${permission.pattern}), such as a pattern for a file applied to a directory. Correct the permissions section of the AppSpec file, and then try again.`,
        );
      if (permission.except.length > 0)
        throw new Error(
          `The deployment failed because the except parameter for a pattern in the permissions section (${JSON.stringify(permission.except).replaceAll(',', ', ')}) for the object named ${permission.object} contains an invalid format. Update the AppSpec file, and then try again.`,
        );
      p.setPermissions(object, permission);
    } else if (p.isMade(object) || statSync(object, { throwIfNoEntry: false })?.isDirectory()) {
      for (const match of p.findMatches(permission, resolve(object))) p.setPermissions(match, permission);
    }
  }
  return p;
}

const idOf = (flag: '-u' | '-g', name: string): number =>
  Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());

/** RemoveCommand#execute, newest first: files and links go, directories only when empty. */
function cleanUp(file: string): void {
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop(); // an unfinished last line (no newline) is dropped, as parse_remove_commands does
  for (const path of lines.reverse()) {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      try {
        rmdirSync(path);
      } catch {
        // not empty: left in place
      }
    } else if (stat !== undefined) rmSync(path);
  }
  rmSync(file);
}

export function install(appspec: Appspec, o: InstallOptions): void {
  const cleanupFile = join(o.instructionsDir, `${o.deploymentGroupId}-cleanup`);
  mkdirSync(o.instructionsDir, { recursive: true });
  cleanUp(cleanupFile);
  const steps = plan(appspec, o).commands;
  const done: string[] = [];
  try {
    for (const c of steps) {
      if (c.kind === 'copy') {
        done.push(c.destination);
        copyFileSync(c.source, c.destination);
        chmodSync(c.destination, statSync(c.source).mode & 0o7777); // FileUtils.copy(preserve: true)
      } else if (c.kind === 'mkdir') {
        mkdirSync(c.directory);
        done.push(c.directory);
      } else if (c.kind === 'chmod') {
        chmodSync(c.path, Number.parseInt(c.mode, 8));
      } else {
        chownSync(
          c.path,
          c.owner === undefined ? -1 : idOf('-u', c.owner),
          c.group === undefined ? -1 : idOf('-g', c.group),
        );
      }
    }
  } finally {
    // Written as the commands run, so a half-done install is cleaned up by the next one.
    writeFileSync(cleanupFile, done.map((d) => `${d}\n`).join(''));
  }
}
