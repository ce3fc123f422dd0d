// One JSON line per finished request (method, url, status, response time, request id), in
// place of Fastify's two: "incoming request" and "request completed".
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class RequestLogController extends LogController {
  override incomingRequest(): void {
    // The completion line carries everything; a second line per request only costs throughput.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // request.log is bound to the request id (reqId): X-Amzn-Trace-Id, or a generated UUID.
    const line = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      responseTime: reply.elapsedTime,
    };
    if (error) request.log.error({ ...line, err: error }, 'request failed');
    else request.log.info(line, 'request completed');
  }
}
