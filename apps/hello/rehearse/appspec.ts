// Reads the parts of an EC2 appspec.yml that the rehearsal's stand-in CodeDeploy agent acts on:
// files, permissions and hooks. Anything it does not understand is an error, not a guess.
import { parse } from 'yaml';
import { HOOK_NAMES, type HookName } from '../scripts/hook-timeouts.js';

export interface AppspecFile {
  readonly source: string;
  readonly destination: string;
}

export interface AppspecPermission {
  readonly object: string;
  /** Glob on the file name; `**` (the default) matches everything. */
  readonly pattern: string;
  readonly mode: number;
  readonly type: readonly ('file' | 'directory')[];
}

export interface AppspecHook {
  readonly location: string;
  readonly timeoutSeconds: number;
  readonly runas: string;
}

export interface Appspec {
  readonly files: readonly AppspecFile[];
  readonly fileExistsBehavior: 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
  readonly permissions: readonly AppspecPermission[];
  readonly hooks: Readonly<Record<HookName, AppspecHook>>;
}

type Raw = Record<string, unknown>;

function fail(what: string, value: unknown, allowed: string): never {
  throw new Error(`appspec.yml: ${what} is ${JSON.stringify(value)}; expected ${allowed}`);
}

function list(raw: Raw, key: string): Raw[] {
  const value = raw[key] ?? [];
  return Array.isArray(value) ? (value as Raw[]) : fail(key, value, 'a list');
}

function hook(raw: Raw, name: HookName): AppspecHook {
  const entries = (raw[name] ?? fail(`hooks.${name}`, raw[name], 'one script')) as Raw[];
  if (!Array.isArray(entries) || entries.length !== 1) fail(`hooks.${name}`, entries, 'exactly one script');
  const [entry] = entries as [Raw];
  const timeout = entry.timeout;
  if (typeof entry.location !== 'string') fail(`hooks.${name}[0].location`, entry.location, 'a path in the revision');
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
    fail(`hooks.${name}[0].timeout`, timeout, 'whole seconds from 1 to 3600');
  }
  return { location: entry.location, timeoutSeconds: timeout, runas: typeof entry.runas === 'string' ? entry.runas : 'root' };
}

export function parseAppspec(text: string): Appspec {
  const raw = parse(text) as Raw;
  if (raw?.version !== 0) fail('version', raw?.version, '0.0');
  if (raw.os !== 'linux') fail('os', raw.os, 'linux');
  const files = list(raw, 'files').map((f, i) => {
    if (typeof f.source !== 'string' || typeof f.destination !== 'string' || !f.destination.startsWith('/')) {
      fail(`files[${i}]`, f, 'a source in the revision and an absolute destination');
    }
    return { source: f.source, destination: f.destination };
  });
  const behavior = raw.file_exists_behavior ?? 'DISALLOW';
  if (behavior !== 'DISALLOW' && behavior !== 'OVERWRITE' && behavior !== 'RETAIN') {
    fail('file_exists_behavior', behavior, 'DISALLOW, OVERWRITE or RETAIN');
  }
  const permissions = list(raw, 'permissions').map((p, i) => {
    const type = (p.type ?? ['file', 'directory']) as ('file' | 'directory')[];
    if (typeof p.object !== 'string' || !/^[0-7]{3,4}$/.test(String(p.mode)) || !type.every((t) => t === 'file' || t === 'directory')) {
      fail(`permissions[${i}]`, p, 'an object path, a numeric mode and types file/directory');
    }
    return { object: p.object, pattern: typeof p.pattern === 'string' ? p.pattern : '**', mode: parseInt(String(p.mode), 8), type };
  });
  const hooks = (raw.hooks ?? {}) as Raw;
  return {
    files,
    fileExistsBehavior: behavior,
    permissions,
    hooks: Object.fromEntries(HOOK_NAMES.map((name) => [name, hook(hooks, name)])) as Record<HookName, AppspecHook>,
  };
}
