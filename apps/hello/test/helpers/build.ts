// Builds the service in-process with the builder src/server.ts uses (like fastify/demo's
// test/helper.ts), its log lines captured, and closes it when the test ends.
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import type { AppOptions } from '../../src/app.ts';
import { buildServer, type BuiltServer, type ServiceInstance } from '../../src/build-server.ts';
import { createLogger } from '../../src/logger.ts';
import type { ServerTimeouts } from '../../src/server-options.ts';
import { testCertificate } from './certificate.ts';

export const TEST_APP: Omit<AppOptions, 'draining'> = {
  stage: 'staging',
  version: 'abc123',
  hostname: 'ip-10-0-1-23',
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
};

export type LogLine = Record<string, unknown>;
export type TestApp = ServiceInstance;

export interface BuildOptions {
  readonly app?: Partial<Omit<AppOptions, 'draining'>>;
  readonly timeouts?: ServerTimeouts;
  /** @default 'info' */
  readonly level?: string;
  /** Adds test-only routes next to the service's. */
  readonly extend?: (app: TestApp) => void;
}

export async function build(t: Test, options: BuildOptions = {}): Promise<BuiltServer & { logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const logger = await createLogger({
    level: options.level ?? 'info',
    pretty: false,
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  const { cert, key } = await testCertificate();
  const built = await buildServer({
    tls: { cert, key },
    logger,
    app: { ...TEST_APP, ...options.app },
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  options.extend?.(built.app);
  t.teardown(() => built.app.close());
  await built.app.ready();
  return { ...built, logs };
}

/** Listens on an ephemeral loopback port and returns it. */
export async function listen(app: TestApp): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}
