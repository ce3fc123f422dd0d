import t from 'tap';
import { HOST_PATHS, SERVICE_PORT, SYSTEMD_STOP_TIMEOUT_SECONDS } from '@hello/config/constants';
import { HOST_ENV, INCOMING_DIR, renderHostEnv } from '../../scripts/host-env.ts';

t.test('host.env carries the config values the hooks need', async (t) => {
  const text = renderHostEnv();
  t.match(text, new RegExp(`^SERVICE_PORT=${SERVICE_PORT}$`, 'm'));
  t.match(text, new RegExp(`^STOP_TIMEOUT_SECONDS=${SYSTEMD_STOP_TIMEOUT_SECONDS}$`, 'm'));
  t.match(text, new RegExp(`^DEFAULT_ENV_FILE=${HOST_PATHS.envFile}$`, 'm'));
  // The hooks rebuild the host paths from root + subdirectory: they must come out as configured.
  t.equal(`${HOST_ENV.DEFAULT_ROOT}/${HOST_ENV.RELEASES_SUBDIR}`, HOST_PATHS.releases);
  t.equal(`${HOST_ENV.DEFAULT_ROOT}/${HOST_ENV.CURRENT_SUBDIR}`, HOST_PATHS.current);
  t.equal(`${HOST_ENV.DEFAULT_ROOT}/${HOST_ENV.INCOMING_SUBDIR}`, INCOMING_DIR);
  t.equal(`${HOST_ENV.DEFAULT_TLS_DIR}/${HOST_ENV.TLS_CERT_NAME}`, HOST_PATHS.tlsCert);
  t.equal(`${HOST_ENV.DEFAULT_TLS_DIR}/${HOST_ENV.TLS_KEY_NAME}`, HOST_PATHS.tlsKey);
  t.equal(`${HOST_ENV.DEFAULT_LOG_DIR}/${HOST_ENV.LOG_NAME}`, HOST_PATHS.logFile);
});

t.test('refuses values bash would need quoting for', async (t) => {
  t.throws(() => renderHostEnv({ A: 'two words' }), /host\.env: A="two words" is not allowed/);
  t.throws(() => renderHostEnv({ lower: 1 }), /host\.env: lower=1 is not allowed/);
});
