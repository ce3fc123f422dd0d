// One JSON line per reply (request id, method, url without query values, status, response time)
// in place of Fastify's two ("incoming request" and "request completed"), and one for a request
// the client gave up on before the reply (Fastify logs none).
// Fastify's documented way to shape its request lines: a LogController subclass.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { answeredByClientError } from './client-errors.ts';
import { logUrl } from './log-url.ts';

export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    // The completion line carries everything; only a reply that never finishes needs a line here.
    // 'close' comes once per response: on() needs no once() wrapper.
    const res = reply.raw;
    res.on('close', () => {
      if (res.writableFinished || answeredByClientError.has(res)) return;
      request.log.info({ reqId: request.id, method: request.method, url: logUrl(request.url) }, 'request aborted');
    });
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      // X-Amzn-Trace-Id when the ALB sent one, a generated UUID otherwise (server-options.ts).
      reqId: request.id,
      method: request.method,
      url: logUrl(request.url),
      statusCode: reply.statusCode,
      // Milliseconds; two decimals are plenty and keep the line short.
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) request.log.error({ ...line, err: error }, 'request failed');
    else request.log.info(line, 'request completed');
  }
}
