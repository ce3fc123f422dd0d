import t from 'tap';
import * as c from '../src/constants.ts';

// These relations are what keeps the ALB, the service and systemd from fighting each other.
t.test('the service keeps connections open longer than the ALB', async (t) => {
  t.ok(
    c.KEEP_ALIVE_TIMEOUT_MS > c.ALB_IDLE_TIMEOUT_SECONDS * 1000,
    'else the ALB reuses sockets the service closed: 502s',
  );
});

// Node's http server (lib/_http_server.js, storeHTTPOptions) throws ERR_OUT_OF_RANGE
// "headersTimeout ... <= requestTimeout" when both are given; set apart, it enforces the larger.
t.test("Node's rule: headersTimeout <= requestTimeout", async (t) => {
  t.ok(c.HEADERS_TIMEOUT_MS <= c.REQUEST_TIMEOUT_MS);
});

t.test('Node checks the request bounds often enough to keep them', async (t) => {
  // connectionsCheckingInterval: a timeout fires up to one interval late.
  t.ok(c.CONNECTIONS_CHECK_INTERVAL_MS * 5 <= c.HEADERS_TIMEOUT_MS, 'headers timeout late by at most 20 %');
  t.ok(c.CONNECTIONS_CHECK_INTERVAL_MS > 0);
});

t.test('a silent connection is dropped in seconds, not minutes', async (t) => {
  t.ok(c.TLS_HANDSHAKE_TIMEOUT_MS > 0 && c.TLS_HANDSHAKE_TIMEOUT_MS <= c.HEADERS_TIMEOUT_MS);
  t.ok(c.HEADERS_TIMEOUT_MS < c.ALB_IDLE_TIMEOUT_SECONDS * 1000);
});

t.test("the process always exits inside systemd's stop timeout", async (t) => {
  t.ok(c.DEFAULT_SHUTDOWN_GRACE_MS <= c.MAX_SHUTDOWN_GRACE_MS);
  t.ok(c.MAX_SHUTDOWN_GRACE_MS < c.SYSTEMD_STOP_TIMEOUT_SECONDS * 1000);
});

t.test('a host is healthy again within a few health check intervals', async (t) => {
  t.ok(c.HEALTH_CHECK.timeoutSeconds < c.HEALTH_CHECK.intervalSeconds, 'ALB requires timeout < interval');
  t.equal(c.HEALTH_CHECK.healthyThreshold, 2);
  t.equal(c.HEALTH_CHECK.intervalSeconds, 10);
});

t.test("host paths live under the service's own directories", async (t) => {
  for (const [key, path] of Object.entries(c.HOST_PATHS)) t.match(path, new RegExp(`/${c.SERVICE_NAME}(/|$)`), key);
  t.ok(c.HOST_PATHS.current.startsWith(c.HOST_PATHS.root));
  t.ok(c.HOST_PATHS.releases.startsWith(c.HOST_PATHS.root));
  // Inside a release (through `current`): pruning a release removes its compile cache with it.
  t.ok(c.HOST_PATHS.compileCache.startsWith(`${c.HOST_PATHS.current}/`));
});

t.test('the compile-cache-only switch is a plain environment variable name', async (t) => {
  t.match(c.COMPILE_CACHE_ONLY_ENV, /^[A-Z][A-Z0-9_]*$/);
});

t.test('a deploy job fits in one STS session', async (t) => {
  // IAM accepts maxSessionDuration of 1 to 12 hours; the workflow asks for minutes * 60 seconds.
  t.ok(c.DEPLOY_JOB_TIMEOUT_MINUTES >= 60 && c.DEPLOY_JOB_TIMEOUT_MINUTES <= 720);
  t.ok(Number.isInteger(c.DEPLOY_JOB_TIMEOUT_MINUTES));
});
