// Reads an EC2 appspec.yml the way the CodeDeploy agent does, with the agent's own error texts.
// Source: github:aws/aws-codedeploy-agent, lib/instance_agent/plugins/codedeploy/
// application_specification/ (ApplicationSpecification#initialize and its parse_* methods,
// ScriptInfo, FileInfo, LinuxPermissionInfo, ModeInfo) and command_executor.rb
// (validate_app_spec_hooks). Rules the agent does not have are not added here.
import { parse } from 'yaml';

export interface AppspecFile {
  readonly source: string;
  readonly destination: string;
}

export interface AppspecPermission {
  readonly object: string;
  /** `**` (everything below the object) or a simple glob on a direct child's name. */
  readonly pattern: string;
  readonly except: readonly string[];
  readonly type: readonly ('file' | 'directory')[];
  readonly owner?: string;
  readonly group?: string;
  /** Octal digits as written (ModeInfo keeps the string). */
  readonly mode?: string;
}

export interface AppspecScript {
  readonly location: string;
  /** Seconds; 3600 when the appspec gives none (ScriptInfo#initialize). */
  readonly timeout: number;
  readonly runas?: string;
}

export interface Appspec {
  readonly hooks: Readonly<Record<string, readonly AppspecScript[]>>;
  readonly files: readonly AppspecFile[];
  readonly permissions: readonly AppspecPermission[];
  /** Unset means: the deployment's own setting (DISALLOW unless overridden). */
  readonly fileExistsBehavior?: 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
}

/** The agent's AppSpecValidationException (and the ArgumentError of validate_app_spec_hooks). */
export class AppspecError extends Error {}

/** Every lifecycle event the agent knows (command_poller.rb, DEFAULT_HOOK_MAPPING). */
export const LIFECYCLE_EVENTS = [
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
  'ValidateService',
] as const;

/**
 * CodeDeploy's documented bound per lifecycle event (AppSpec 'hooks' section, docs.aws.amazon.com/
 * codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html). The agent itself only
 * sums the timeouts (HookExecutor#total_timeout_for_all_scripts) and sends the sum to the service.
 */
export const MAX_EVENT_TIMEOUT_SECONDS = 3600;

type Raw = Record<string, unknown>;
/** Ruby's string interpolation of a YAML scalar: nil becomes the empty string. */
const ruby = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
};
const fail = (text: string): never => {
  throw new AppspecError(text);
};

function parseMode(value: unknown): string {
  // ModeInfo#initialize: left-padded to 3 digits, at most 4, octal digits only.
  const mode = ruby(value).padStart(3, '0');
  if (mode.length > 4)
    fail(
      `The deployment failed because the length of a permissions mode (${mode}) in the application specification file is invalid. Permissions modes must be between one and four characters long. Update the permissions section of the AppSpec file, and then try again.`,
    );
  for (const c of mode) {
    if (c < '0' || c > '7')
      fail(
        `The deployment failed because the permissions mode (${mode}) in the application specification file contains an invalid character (${c}). Update the permissions section of the AppSpec file, and then try again.`,
      );
  }
  return mode;
}

function parseHooks(raw: Raw): Record<string, AppspecScript[]> {
  const hooks: Record<string, AppspecScript[]> = {};
  for (const [event, scripts] of Object.entries(raw)) {
    if (!scripts) continue; // parse_hooks: empty hooks are ignored
    hooks[event] = (scripts as Raw[]).map((s) => {
      const location = ruby(s.location).trim();
      if (location === '')
        fail(
          'The deployment failed because the application specification file specifies a script with no location value. Specify the location in the hooks section of the AppSpec file, and then try again.',
        );
      // ScriptInfo: `(timeout || 3600).to_i`, so "abc" and 0 are both invalid.
      const timeout = s.timeout === undefined || s.timeout === null ? 3600 : Number.parseInt(ruby(s.timeout), 10) || 0;
      if (timeout <= 0)
        fail(
          'The deployment failed because an invalid timeout value was provided for a script in the application specification file. Make corrections in the hooks section of the AppSpec file, and then try again.',
        );
      return {
        location,
        timeout,
        ...(s.runas === undefined || s.runas === null ? {} : { runas: ruby(s.runas).trim() }),
      };
    });
  }
  return hooks;
}

function parsePermission(p: Raw): AppspecPermission {
  const object = ruby(p.object);
  if (object === '')
    fail(
      'The deployment failed because a permission listed in the application specification file has no object value. Update the permissions section of the AppSpec file, and then try again.',
    );
  const type = (p.type ?? ['file', 'directory']) as string[];
  for (const t of type) {
    // The missing space in "filespecifies" is the agent's.
    if (t !== 'file' && t !== 'directory')
      fail(
        `The deployment failed because the application specification filespecifies a permission for an object type not supported for permissions (${t}). Update the permissions section of the AppSpec file, and then try again.`,
      );
  }
  return {
    object,
    pattern: p.pattern === undefined || p.pattern === null ? '**' : ruby(p.pattern),
    except: ((p.except ?? []) as unknown[]).map(ruby),
    type: type as ('file' | 'directory')[],
    ...(p.owner == null ? {} : { owner: ruby(p.owner) }),
    ...(p.group == null ? {} : { group: ruby(p.group) }),
    ...(p.mode == null ? {} : { mode: parseMode(p.mode) }),
  };
}

/** ApplicationSpecification#initialize: version, os, hooks, files, permissions, file_exists_behavior. */
export function parseAppspec(text: string): Appspec {
  const raw = parse(text) as Raw | null;
  if (!raw)
    return fail(
      "The deployment failed because the application specification file was empty. Make sure your AppSpec file defines at minimum the 'version' and 'os' properties.",
    );
  // YAML reads `0.0` as the number 0, which is what the agent's supported_versions holds.
  if (raw.version !== 0)
    fail(
      `The deployment failed because an invalid version value (${ruby(raw.version)}) was entered in the application specification file. Make sure your AppSpec file specifies "0.0" as the version, and then try again.`,
    );
  if (raw.os !== 'linux')
    fail(
      `The deployment failed because the application specification file specifies an unsupported operating system (${ruby(raw.os)}). Specify either "linux" or "windows" in the os section of the AppSpec file, and then try again.`,
    );
  const hooks = parseHooks((raw.hooks ?? {}) as Raw);
  const files = ((raw.files ?? []) as Raw[]).map((f) => {
    if (f.source == null)
      fail(
        'The deployment failed because the application specification file specifies a destination file, but no source file. Update the files section of the AppSpec file, and then try again.',
      );
    if (f.destination == null)
      fail(
        `The deployment failed because the application specification file specifies only a source file (${ruby(f.source)}). Add the name of the destination file to the files section of the AppSpec file, and then try again.`,
      );
    return { source: ruby(f.source), destination: ruby(f.destination) };
  });
  const permissions = ((raw.permissions ?? []) as Raw[]).map(parsePermission);
  const behavior = raw.file_exists_behavior;
  if (behavior != null && behavior !== 'DISALLOW' && behavior !== 'OVERWRITE' && behavior !== 'RETAIN') {
    fail(
      `The deployment failed because an invalid file_exists_behavior value (${ruby(behavior)}) was entered in the application specification file. Make sure your AppSpec file specifies one of DISALLOW,OVERWRITE,RETAIN as the file_exists_behavior, and then try again.`,
    );
  }
  return { hooks, files, permissions, ...(behavior == null ? {} : { fileExistsBehavior: behavior as 'DISALLOW' }) };
}

/**
 * What the agent checks when Install reads the appspec (CommandExecutor#validate_app_spec_hooks),
 * plus the documented one-hour bound per event.
 */
export function validateHooks(appspec: Appspec, fileName = 'appspec.yml'): void {
  const unknown = Object.keys(appspec.hooks).filter((e) => !(LIFECYCLE_EVENTS as readonly string[]).includes(e));
  // Ruby's Array#inspect: ["A", "B"]
  if (unknown.length > 0)
    throw new AppspecError(
      `${fileName} file contains unknown lifecycle events: [${unknown.map((e) => JSON.stringify(e)).join(', ')}]`,
    );
  for (const [event, scripts] of Object.entries(appspec.hooks)) {
    const total = scripts.reduce((sum, s) => sum + s.timeout, 0);
    if (total > MAX_EVENT_TIMEOUT_SECONDS) {
      throw new AppspecError(
        `${event}: the scripts' timeouts add up to ${total} s; CodeDeploy allows at most ${MAX_EVENT_TIMEOUT_SECONDS} s per lifecycle event`,
      );
    }
  }
}
