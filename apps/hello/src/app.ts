// The whole service as one plugin: security headers, error replies and the routes.
import type { FastifyInstance } from 'fastify';
import type { HelmetOptions } from 'helmet';
import { HEALTH_PATH, VERSION_PATH } from '@hello/config/constants';
import type { ServiceStage } from '@hello/config/service-env';
import errorReplies from './plugins/error-replies.js';
import methodNotAllowed from './plugins/method-not-allowed.js';
import securityHeaders from './plugins/security-headers.js';
import health from './routes/health.js';
import hello, { HELLO_PATH } from './routes/hello.js';
import version from './routes/version.js';

export interface AppOptions {
  readonly stage: ServiceStage;
  /** The release version (RELEASE_VERSION), reported by /version. */
  readonly version: string;
  /** The host's name, in the greeting. */
  readonly hostname: string;
  readonly startedAt: Date;
  /** @default helmet's defaults */
  readonly helmet?: Readonly<HelmetOptions>;
}

/** Register with fastify-plugin (as server.ts does) so the error handlers cover the root. */
export default async function serviceApp(app: FastifyInstance, opts: AppOptions): Promise<void> {
  await app.register(securityHeaders, opts.helmet === undefined ? {} : { helmet: opts.helmet });
  await app.register(errorReplies);
  await app.register(hello, { hostname: opts.hostname, stage: opts.stage });
  await app.register(health);
  await app.register(version, { version: opts.version, stage: opts.stage, startedAt: opts.startedAt });
  await app.register(methodNotAllowed, { paths: [HELLO_PATH, HEALTH_PATH, VERSION_PATH] });
}
