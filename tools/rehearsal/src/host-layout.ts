// One rehearsal "host": its own directory tree standing in for /opt, /etc and /var/log, its own
// port on 127.0.0.1, and the HELLO_* overrides that point the real hooks at them.
import { join } from 'node:path';
import { HOST_PATHS } from '@hello/config/constants';

export interface HostLayout {
  readonly name: string;
  readonly dir: string;
  readonly port: number;
  /** Stands in for HOST_PATHS.root. */
  readonly root: string;
  readonly envFile: string;
  readonly tlsDir: string;
  readonly logDir: string;
  readonly logFile: string;
  readonly unitDir: string;
  readonly logrotateDir: string;
  readonly supervisorDir: string;
  /** The stand-in agent's deployment-root (archives of each deployment). */
  readonly deploymentRoot: string;
}

export function hostLayout(baseDir: string, name: string, port: number): HostLayout {
  if (!/^[a-z][a-z0-9-]*$/.test(name))
    throw new Error(`host name ${JSON.stringify(name)} is not allowed; expected lowercase letters, digits and -`);
  const dir = join(baseDir, name);
  const logDir = join(dir, 'var/log');
  return {
    name,
    dir,
    port,
    root: join(dir, 'opt'),
    envFile: join(dir, 'etc/service.env'),
    tlsDir: join(dir, 'etc/tls'),
    logDir,
    logFile: join(logDir, HOST_PATHS.logFile.slice(HOST_PATHS.logDir.length + 1)),
    unitDir: join(dir, 'etc/systemd'),
    logrotateDir: join(dir, 'etc/logrotate.d'),
    supervisorDir: join(dir, 'run'),
    deploymentRoot: join(dir, 'codedeploy'),
  };
}

export interface HookEnvOptions {
  readonly serviceCtl: string;
  readonly nodeBin: string;
  readonly user: string;
  readonly validateTimeoutSeconds: number;
}

/** The overrides the hooks read (see deploy/hooks/common.sh); loopback only. */
export function hookOverrides(h: HostLayout, o: HookEnvOptions): Record<string, string> {
  return {
    HELLO_ROOT: h.root,
    HELLO_ENV_FILE: h.envFile,
    HELLO_TLS_DIR: h.tlsDir,
    HELLO_LOG_DIR: h.logDir,
    HELLO_UNIT_DIR: h.unitDir,
    HELLO_LOGROTATE_DIR: h.logrotateDir,
    HELLO_SUPERVISOR_DIR: h.supervisorDir,
    HELLO_NODE_BIN: o.nodeBin,
    HELLO_PORT: String(h.port),
    HELLO_BIND_HOST: '127.0.0.1',
    HELLO_USER: o.user,
    HELLO_SERVICE_CTL: o.serviceCtl,
    HELLO_VALIDATE_TIMEOUT_SECONDS: String(o.validateTimeoutSeconds),
  };
}

/** Maps an absolute path under HOST_PATHS.root (an appspec destination) into the host's tree. */
export function mapHostPath(h: HostLayout, path: string): string {
  if (path !== HOST_PATHS.root && !path.startsWith(`${HOST_PATHS.root}/`)) {
    throw new Error(`${path} is outside ${HOST_PATHS.root}; the rehearsal only maps paths below it`);
  }
  return h.root + path.slice(HOST_PATHS.root.length);
}
