import t from 'tap';
import { retrySettings } from '../../src/aws/retry-settings.ts';

t.test('adaptive retries with 8 attempts unless the user configured retries', (t) => {
  t.same(retrySettings({}), { retryMode: 'adaptive', maxAttempts: 8 });
  t.same(retrySettings({ AWS_MAX_ATTEMPTS: '2' }), {});
  t.same(retrySettings({ AWS_RETRY_MODE: 'standard' }), {});
  t.end();
});
