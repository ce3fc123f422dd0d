// The request id every log line about a request carries: the ALB's trace id, so the service's
// lines join up with the ALB's access logs, or a fresh UUID.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header the ALB adds to every request it forwards. */
export const REQUEST_ID_HEADER = 'x-amzn-trace-id';

/** What an ALB trace id looks like (`Self=1-...;Root=1-...;Sampled=1`); anything else is replaced. */
const TRACE_ID = /^[A-Za-z0-9=;:._-]{1,256}$/;

/** The ALB's trace id when the header holds one, a fresh UUID otherwise. */
export function requestId(headers: IncomingHttpHeaders): string {
  const trace = headers[REQUEST_ID_HEADER];
  return typeof trace === 'string' && TRACE_ID.test(trace) ? trace : randomUUID();
}
