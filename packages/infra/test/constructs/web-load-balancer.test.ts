// WebLoadBalancer's guard; its listeners are covered by the stage stack tests in both modes.
import t from 'tap';
import { HEALTH_CHECK } from '@hello/config/constants';
import { WebLoadBalancer } from '../../src/constructs/web-load-balancer.ts';
import { scratchStack, scratchVpc } from '../helpers/scratch-stack.ts';

t.test('a health check timeout must be shorter than its interval', async (t) => {
  const stack = scratchStack();
  // ELB rejects it at deploy time; failing at synth names the setting.
  t.throws(
    () =>
      new WebLoadBalancer(stack, 'W', {
        vpc: scratchVpc(stack),
        targetPort: 8443,
        healthCheckPath: '/healthz',
        idleTimeoutSeconds: 60,
        deregistrationDelaySeconds: 30,
        healthCheck: { ...HEALTH_CHECK, timeoutSeconds: 10, intervalSeconds: 10 },
      }),
    {
      message: 'WebLoadBalancer healthCheck.timeoutSeconds: 10 is not allowed; expected less than intervalSeconds (10)',
    },
  );
});
