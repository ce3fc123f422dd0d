import t from 'tap';
import { shutdownHandler } from '../src/shutdown.js';

function fakeApp() {
  const calls: unknown[][] = [];
  return {
    calls,
    app: {
      log: { info: (...a: unknown[]) => calls.push(['info', ...a]), error: (...a: unknown[]) => calls.push(['error', ...a]) },
      close: async () => void calls.push(['close']),
    } as unknown as Parameters<typeof shutdownHandler>[0],
  };
}

t.test('a signal is logged with the grace period, then the app closes', async (t) => {
  const { app, calls } = fakeApp();
  await shutdownHandler(app, 5000)({ signal: 'SIGTERM' });
  t.same(calls, [['info', { signal: 'SIGTERM', graceMs: 5000 }, 'shutting down'], ['close']]);
});

t.test('a crash is logged as an error, then the app closes', async (t) => {
  const { app, calls } = fakeApp();
  const err = new Error('boom');
  await shutdownHandler(app, 5000)({ err });
  t.same(calls, [['error', { err }, 'shutting down after an unexpected error'], ['close']]);
});
