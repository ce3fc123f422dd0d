// StageDomain's guard (config validation normally catches it first).
import t from 'tap';
import { StageDomain } from '../../src/constructs/stage-domain.ts';
import { scratchStack } from '../helpers/scratch-stack.ts';

t.test('a domain needs a hosted zone or a certificate', async (t) => {
  t.throws(() => new StageDomain(scratchStack(), 'D', { domain: { zoneName: 'example.com', subdomain: 'www' } }), {
    message: /StageDomain domain: .* is not allowed; expected hostedZoneId .* or certificateArn/,
  });
});
