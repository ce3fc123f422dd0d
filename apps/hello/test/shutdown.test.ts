import t from 'tap';
import { SHUTDOWN_QUIET_MS, shutdownHandler } from '../src/shutdown.ts';

function fakes() {
  const calls: unknown[][] = [];
  return {
    calls,
    app: {
      log: {
        info: (...a: unknown[]) => calls.push(['info', ...a]),
        error: (...a: unknown[]) => calls.push(['error', ...a]),
      },
      close: async () => void calls.push(['close']),
    } as unknown as Parameters<typeof shutdownHandler>[0],
    connections: { size: 3, drain: async (ms: number) => void calls.push(['drain', ms]) },
  };
}

t.test('a signal is logged, the connections drain, then the app closes', async (t) => {
  const { app, calls, connections } = fakes();
  await shutdownHandler(app, { graceMs: 5000, connections })({ signal: 'SIGTERM' });
  t.same(calls, [
    ['info', { signal: 'SIGTERM', graceMs: 5000, connections: 3 }, 'shutting down'],
    ['drain', SHUTDOWN_QUIET_MS],
    ['close'],
  ]);
});

t.test('a crash is logged as an error, then the connections drain and the app closes', async (t) => {
  const { app, calls, connections } = fakes();
  const err = new Error('boom');
  await shutdownHandler(app, { graceMs: 5000, connections, quietMs: 7 })({ err });
  t.same(calls, [['error', { err }, 'shutting down after an unexpected error'], ['drain', 7], ['close']]);
});

t.test('a grace period shorter than two quiet periods gets half of it, so the exit stays clean', async (t) => {
  const { app, calls, connections } = fakes();
  await shutdownHandler(app, { graceMs: 600, connections })({ signal: 'SIGTERM' });
  t.same(calls[1], ['drain', 300]);
});
