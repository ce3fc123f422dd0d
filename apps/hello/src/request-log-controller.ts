// One JSON line per request (method, url without query values, status, response time, request
// id), in place of Fastify's two ("incoming request" and "request completed"), and one for a
// request the client gave up on before the reply (Fastify logs none).
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { answeredByClientError } from './client-errors.ts';
import { logUrl } from './log-url.ts';
import { requestLineWriter, type RequestLineWriter } from './request-log-line.ts';

/** The Fastify request a response answers, for the 'close' listener below. */
const REQUEST = Symbol('hello.request');

type TrackedResponse = FastifyReply['raw'] & { [REQUEST]?: FastifyRequest };

/**
 * A response's 'close' listener: one function for all responses (no closure, no once() wrapper
 * per request); a response closed before it finished writing is a request the client gave up on.
 */
function logIfAborted(this: TrackedResponse): void {
  const request = this[REQUEST]!;
  if (this.writableFinished || answeredByClientError.has(this)) return;
  request.log.info({ reqId: request.id, method: request.method, url: logUrl(request.url) }, 'request aborted');
}

export class RequestLogController extends LogController {
  /** One writer per logger (request.log is the service's logger itself: one entry). */
  readonly #writers = new WeakMap<object, RequestLineWriter>();

  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    // The completion line carries everything; only a reply that never finishes needs a line here.
    // 'close' comes once per response, so on() needs no once() wrapper.
    const res = reply.raw as TrackedResponse;
    res[REQUEST] = request;
    res.on('close', logIfAborted);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // reqId: X-Amzn-Trace-Id when the ALB sent one, a generated UUID otherwise.
    const line = {
      reqId: request.id,
      method: request.method,
      url: logUrl(request.url),
      statusCode: reply.statusCode,
      // Milliseconds; two decimals are plenty and keep the line short.
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) {
      request.log.error({ ...line, err: error }, 'request failed');
      return;
    }
    let write = this.#writers.get(request.log);
    if (write === undefined) {
      write = requestLineWriter(request.log);
      this.#writers.set(request.log, write);
    }
    write(line);
  }
}
