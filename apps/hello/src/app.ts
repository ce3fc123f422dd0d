// The whole service as one plugin: security headers, error replies and the routes.
import type { FastifyInstance } from 'fastify';
import { BODY_LIMIT_BYTES, HEALTH_PATH, VERSION_PATH } from '@hello/config/constants';
import type { ServiceStage } from '@hello/config/service-env';
import errorReplies from './plugins/error-replies.ts';
import expectContinue from './plugins/expect-continue.ts';
import methodNotAllowed from './plugins/method-not-allowed.ts';
import securityHeaders, { HELMET_OPTIONS } from './plugins/security-headers.ts';
import health from './routes/health.ts';
import hello, { HELLO_PATH } from './routes/hello.ts';
import version from './routes/version.ts';

export interface AppOptions {
  readonly stage: ServiceStage;
  /** The release version (RELEASE_VERSION), reported by /version. */
  readonly version: string;
  /** The host's name, in the greeting. */
  readonly hostname: string;
  readonly startedAt: Date;
  /** True once shutdown began (build-server.ts passes its ConnectionDrain's state). */
  readonly draining: () => boolean;
}

const PATHS = [HELLO_PATH, HEALTH_PATH, VERSION_PATH];

/** Register with fastify-plugin (as build-server.ts does) so the error handlers cover the root. */
export default async function serviceApp(app: FastifyInstance, opts: AppOptions): Promise<void> {
  await app.register(securityHeaders, HELMET_OPTIONS);
  await app.register(errorReplies, { paths: PATHS });
  await app.register(expectContinue, { bodyLimit: BODY_LIMIT_BYTES });
  await app.register(hello, { hostname: opts.hostname, stage: opts.stage });
  await app.register(health, { draining: opts.draining });
  await app.register(version, { version: opts.version, stage: opts.stage, startedAt: opts.startedAt });
  await app.register(methodNotAllowed, { paths: PATHS });
}
