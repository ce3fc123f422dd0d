// Builds the service in-process the way server.ts does (like fastify/demo's test/helper.ts), with
// its log lines captured, and closes it when the test ends.
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import type { Test } from 'tap';
import serviceApp, { type AppOptions } from '../../src/app.ts';
import { ConnectionDrain } from '../../src/connection-drain.ts';
import { createLogger } from '../../src/logger.ts';
import { captureHelmetHeaders } from '../../src/plugins/security-headers.ts';
import { serverOptions, type ServerTimeouts } from '../../src/server-options.ts';
import { testCertificate } from './certificate.ts';

export const TEST_APP: AppOptions = {
  stage: 'staging',
  version: 'abc123',
  hostname: 'ip-10-0-1-23',
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
};

export type LogLine = Record<string, unknown>;

async function create(timeouts?: ServerTimeouts, level = 'info') {
  const logs: LogLine[] = [];
  const logger = await createLogger({
    level,
    pretty: false,
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  const { cert, key } = await testCertificate();
  const app = Fastify(
    serverOptions({ tls: { cert, key }, logger, headers: captureHelmetHeaders(), ...(timeouts ? { timeouts } : {}) }),
  );
  const drain = new ConnectionDrain(app.server);
  return { app, logs, drain };
}

export type TestApp = Awaited<ReturnType<typeof create>>['app'];

export interface BuildOptions {
  readonly app?: Partial<AppOptions>;
  readonly timeouts?: ServerTimeouts;
  /** @default 'info' */
  readonly level?: string;
  /** Adds test-only routes next to the service's. */
  readonly extend?: (app: TestApp) => void;
}

export async function build(
  t: Test,
  options: BuildOptions = {},
): Promise<{ app: TestApp; logs: LogLine[]; drain: ConnectionDrain }> {
  const { app, logs, drain } = await create(options.timeouts, options.level);
  await app.register(fp(serviceApp), { ...TEST_APP, draining: () => drain.draining, ...options.app });
  options.extend?.(app);
  t.teardown(() => app.close());
  await app.ready();
  return { app, logs, drain };
}

/** Listens on an ephemeral loopback port and returns it. */
export async function listen(app: TestApp): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}
