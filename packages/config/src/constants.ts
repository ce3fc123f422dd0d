// Values the service, its host and the infrastructure must agree on: one definition each.
// Changing one here changes the app, the release bundle and the CDK stacks together.

/** The service's name: systemd unit, user, log groups and host directories derive from it. */
export const SERVICE_NAME = 'hello';

/** HTTPS port the service listens on and the target group forwards to. */
export const SERVICE_PORT = 8443;

/** Load balancer health check and ValidateService probe: 200 while serving, 503 once shutdown begins. */
export const HEALTH_PATH = '/healthz';

/** Reports the running release; ValidateService and smoke tests wait until it answers the new version. */
export const VERSION_PATH = '/version';

/**
 * Where things live on an instance. The hooks accept environment overrides of these (for the local
 * rehearsal); the user data and the systemd unit use them as they are.
 */
export const HOST_PATHS = {
  /** Parent of every installed release and of the `current` link. */
  root: `/opt/${SERVICE_NAME}`,
  /** One directory per release version, the last few kept for a fast rollback. */
  releases: `/opt/${SERVICE_NAME}/releases`,
  /** Symlink switched atomically to the release that should run. */
  current: `/opt/${SERVICE_NAME}/current`,
  /** Environment file rendered from the service's runtime contract. */
  envFile: `/etc/${SERVICE_NAME}/${SERVICE_NAME}.env`,
  /** Host certificate the service terminates TLS with (self-signed: the ALB does not verify it). */
  tlsDir: `/etc/${SERVICE_NAME}/tls`,
  tlsCert: `/etc/${SERVICE_NAME}/tls/cert.pem`,
  tlsKey: `/etc/${SERVICE_NAME}/tls/key.pem`,
  /** The service's stdout (one JSON line per request), shipped by the CloudWatch agent. */
  logDir: `/var/log/${SERVICE_NAME}`,
  logFile: `/var/log/${SERVICE_NAME}/service.log`,
  /**
   * Node's compile cache (the unit's NODE_COMPILE_CACHE): a directory in each release, written
   * by the root-run AfterInstall hook and only read by the service (see COMPILE_CACHE_ONLY_ENV).
   */
  compileCache: `/opt/${SERVICE_NAME}/current/compile-cache`,
} as const;

/**
 * Set to `1`, the server bundle exits 0 before anything in it runs (its banner's first line).
 * Node has compiled the module by then and writes its compile cache, so AfterInstall and the
 * bench warm the cache with the unit's own command and this variable.
 */
export const COMPILE_CACHE_ONLY_ENV = 'HELLO_COMPILE_CACHE_ONLY';

/**
 * `pnpm start`'s self-signed certificate for localhost (git-ignored): the directory relative to the
 * workspace root, and the file names in it. The local server creates the pair; `pnpm release smoke`
 * trusts the certificate for loopback URLs.
 */
export const LOCAL_CERTIFICATE = { dir: 'apps/hello/.certs', certFile: 'cert.pem', keyFile: 'key.pem' } as const;

/** S3 key prefix of published releases in the artifact bucket: `releases/<version>.zip`. */
export const RELEASE_PREFIX = 'releases/';

/** ALB idle timeout. The service's keep-alive must outlive it, or reused connections get 502s. */
export const ALB_IDLE_TIMEOUT_SECONDS = 60;

/** Node's keepAliveTimeout: longer than the ALB's idle timeout so the ALB always closes first. */
export const KEEP_ALIVE_TIMEOUT_MS = (ALB_IDLE_TIMEOUT_SECONDS + 5) * 1000;

/**
 * Whole-request bound (headers and body), so a slow client cannot hold a socket for long.
 * Node counts it from the first byte of a request; an idle keep-alive socket is not timed by it.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Node's headersTimeout: the time a request (or a fresh connection) gets to send all its headers.
 * Node's rule: at most REQUEST_TIMEOUT_MS. A larger one is refused by createServer, but Fastify
 * sets requestTimeout after construction, and Node then enforces the larger of the two.
 */
export const HEADERS_TIMEOUT_MS = 10_000;

/** How often Node looks for requests past those two bounds: each fires up to this much late. */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/** A TCP connection must finish its TLS handshake within this (Node's default is 120 s). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Target group health check: the load balancer and the local rehearsal use the same numbers. */
export const HEALTH_CHECK = {
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;

/** Target group draining time; the 300 s default makes every deploy minutes slower. */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 30;

/** Default time the service gives in-flight requests after SIGTERM before it exits anyway. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** systemd's TimeoutStopSec: above the largest shutdown grace the service env accepts. */
export const SYSTEMD_STOP_TIMEOUT_SECONDS = 30;

/** Upper bound for SHUTDOWN_GRACE_MS, so the process always exits inside TimeoutStopSec. */
export const MAX_SHUTDOWN_GRACE_MS = (SYSTEMD_STOP_TIMEOUT_SECONDS - 5) * 1000;

/** Request body limit: the service takes no uploads. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Request header size limit (Node answers 431 above it). */
export const MAX_HEADER_BYTES = 8 * 1024;

/** The system-wide Node the systemd unit runs; the user data installs the production LTS there. */
export const HOST_NODE_BIN = '/usr/bin/node';

/** Production Node major on the hosts (AL2023 package `nodejs<major>`); .nvmrc holds the same. */
export const NODE_MAJOR = 24;

/**
 * Upper bound of a pipeline job that deploys a stage (stack, busy wait, watch, smoke). The deploy
 * roles' maxSessionDuration and the workflow's role-duration-seconds (= minutes * 60) and the job's
 * timeout-minutes derive from it, so credentials never expire inside a job.
 */
export const DEPLOY_JOB_TIMEOUT_MINUTES = 60;
