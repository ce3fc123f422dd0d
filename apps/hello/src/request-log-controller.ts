// One JSON line per finished request (method, url, status, response time, request id), in
// place of Fastify's two: "incoming request" and "request completed".
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class RequestLogController extends LogController {
  override incomingRequest(): void {
    // The completion line carries everything; a second line per request only costs throughput.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // reqId: X-Amzn-Trace-Id when the ALB sent one, a generated UUID otherwise.
    const line = {
      reqId: request.id,
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      // Milliseconds; two decimals are plenty and keep the line short.
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) request.log.error({ ...line, err: error }, 'request failed');
    else request.log.info(line, 'request completed');
  }
}
