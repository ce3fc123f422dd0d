import t from 'tap';
import { REQUEST_ID_HEADER, requestId } from '../src/request-id.ts';

t.test('the request id is the ALB trace id when it looks like one, a UUID otherwise', async (t) => {
  const alb = 'Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;Sampled=1';
  t.equal(requestId({ [REQUEST_ID_HEADER]: alb }), alb);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  t.match(requestId({}), uuid, 'no header');
  t.match(requestId({ [REQUEST_ID_HEADER]: 'Root=1 "}\\n{"level":60' }), uuid, 'not a trace id');
  t.match(requestId({ [REQUEST_ID_HEADER]: 'R'.repeat(257) }), uuid, 'too long');
  t.not(requestId({}), requestId({}));
});
