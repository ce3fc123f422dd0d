// The release's text files: appspec.yml, the systemd units (service and socket) and logrotate config (templates in
// deploy/ filled from @hello/config), the hook scripts and the generated hooks/host.env.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HOST_NODE_BIN,
  HOST_PATHS,
  NODE_MAJOR,
  SERVICE_NAME,
  SERVICE_PORT,
  SYSTEMD_STOP_TIMEOUT_SECONDS,
} from '@hello/config/constants';
import { SERVER_FILE } from './bundle-code.ts';
import { HOOK_NAMES, HOOK_SCRIPTS, HOOK_TIMEOUT_SECONDS } from './hook-timeouts.ts';
import { HOST_ENV, INCOMING_DIR, SOCKET_UNIT_NAME, SYSTEM_DIRS, UNIT_NAME, renderHostEnv } from './host-env.ts';
import { nodeFlags } from './node-flags.ts';
import { renderTemplate } from './render-template.ts';

export interface TextFile {
  readonly path: string;
  readonly text: string;
  readonly executable: boolean;
}

const SCREAMING = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

/** Every @@NAME@@ the templates may use. */
export const TEMPLATE_VALUES: Readonly<Record<string, string | number>> = {
  SERVICE_NAME,
  SERVICE_USER: SERVICE_NAME,
  UNIT_NAME,
  SOCKET_UNIT_NAME,
  /** The socket unit's address: where the service binds by default (its HOST and PORT). */
  LISTEN_STREAM: `${HOST_ENV.DEFAULT_BIND_HOST}:${SERVICE_PORT}`,
  UNIT_DIR: SYSTEM_DIRS.units,
  ENV_FILE: HOST_PATHS.envFile,
  CURRENT_DIR: HOST_PATHS.current,
  COMPILE_CACHE_DIR: HOST_PATHS.compileCache,
  LOG_FILE: HOST_PATHS.logFile,
  /** Node, the V8 options for the hosts' Node line, the server: the unit's ExecStart=. */
  EXEC_START: [HOST_NODE_BIN, ...nodeFlags(NODE_MAJOR), `${HOST_PATHS.current}/${SERVER_FILE}`].join(' '),
  STOP_TIMEOUT_SECONDS: SYSTEMD_STOP_TIMEOUT_SECONDS,
  INCOMING_DIR,
  ...Object.fromEntries(
    HOOK_NAMES.flatMap((hook): [string, string | number][] => [
      [`${SCREAMING(hook)}_SCRIPT`, HOOK_SCRIPTS[hook]],
      [`${SCREAMING(hook)}_TIMEOUT`, HOOK_TIMEOUT_SECONDS[hook]],
    ]),
  ),
};

export function bundleTextFiles(deployDir: string): TextFile[] {
  const template = (from: string, to: string): TextFile => ({
    path: to,
    text: renderTemplate(from, readFileSync(join(deployDir, from), 'utf8'), TEMPLATE_VALUES),
    executable: false,
  });
  const hooks = readdirSync(join(deployDir, 'hooks'))
    .filter((name) => name.endsWith('.sh'))
    .map((name) => ({
      path: `hooks/${name}`,
      text: readFileSync(join(deployDir, 'hooks', name), 'utf8'),
      executable: name !== 'common.sh',
    }));
  const missing = HOOK_NAMES.map((h) => HOOK_SCRIPTS[h]).filter((s) => !hooks.some((h) => h.path === `hooks/${s}`));
  if (missing.length > 0) throw new Error(`${deployDir}/hooks is missing ${missing.join(', ')}`);
  return [
    template('appspec.yml', 'appspec.yml'),
    template(`${SERVICE_NAME}.service`, `deploy/${UNIT_NAME}`),
    template(`${SERVICE_NAME}.socket`, `deploy/${SOCKET_UNIT_NAME}`),
    template(`${SERVICE_NAME}.logrotate`, `deploy/${SERVICE_NAME}.logrotate`),
    ...hooks,
    { path: 'hooks/host.env', text: renderHostEnv(), executable: false },
  ];
}
