import t from 'tap';
import { SHUTDOWN_LINGER_MS, shutdownHandler } from '../src/shutdown.ts';

function fakes() {
  const calls: unknown[][] = [];
  return {
    calls,
    app: {
      log: {
        info: (...a: unknown[]) => calls.push(['info', ...a]),
        error: (...a: unknown[]) => calls.push(['error', ...a]),
      },
      close: async () => {
        calls.push(['close']);
        await new Promise((r) => setTimeout(r, 250)); // a reply still in progress
      },
    } as unknown as Parameters<typeof shutdownHandler>[0],
    drain: {
      size: 3,
      drain: async (ms: number) => void calls.push(['drain', ms]),
      closeSilent: () => calls.push(['closeSilent']),
    },
  };
}

t.test('a signal is logged, connections drain, then the app closes while silent connections are cut', async (t) => {
  const { app, calls, drain } = fakes();
  await shutdownHandler(app, { graceMs: 5000, drain })({ signal: 'SIGTERM' });
  t.same(calls.slice(0, 4), [
    ['info', { signal: 'SIGTERM', graceMs: 5000, connections: 3 }, 'shutting down'],
    ['drain', SHUTDOWN_LINGER_MS],
    ['close'],
    ['closeSilent'],
  ]);
  t.ok(calls.filter((c) => c[0] === 'closeSilent').length >= 2, 'looked again while the server closed');
});

t.test('a crash is logged as an error, then the app closes', async (t) => {
  const { app, calls, drain } = fakes();
  const err = new Error('boom');
  await shutdownHandler(app, { graceMs: 5000, drain, lingerMs: 7 })({ err });
  t.same(calls.slice(0, 3), [['error', { err }, 'shutting down after an unexpected error'], ['drain', 7], ['close']]);
});

t.test('a grace period shorter than two lingers gets half of it to linger, so the exit stays clean', async (t) => {
  const { app, calls, drain } = fakes();
  await shutdownHandler(app, { graceMs: 600, drain })({ signal: 'SIGTERM' });
  t.same(calls[1], ['drain', 300]);
});
