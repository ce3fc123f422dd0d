// What the service does with a connection Node refuses before Fastify answers a request: a bad
// request line, headers over the limit, a request too slow (400/408/431), a failed TLS handshake.
// Node's own handler and Fastify's default one write the reply but log nothing; this one writes
// the reply the way Node's 'clientError' documentation shows, and logs one line for each.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { errorBody } from './plugins/error-replies.ts';
import { logUrl } from './log-url.ts';

/** Node's error codes and the status each is answered with (as Node's own handler does). */
const HTTP_STATUS: Readonly<Record<string, number>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
};

/** Responses the client-error handler answered (the abort log must not add a second line). */
export const answeredByClientError = new WeakSet<ServerResponse>();

interface ClientError extends Error {
  readonly code?: string;
}

const isHttpError = (code: string): boolean => code.startsWith('HPE_') || code === 'ERR_HTTP_REQUEST_TIMEOUT';

/** The raw reply: the error body as JSON, and the connection closed after it. */
export function rawReply(statusCode: number): string {
  const body = JSON.stringify(errorBody(statusCode));
  return (
    `HTTP/1.1 ${statusCode} ${errorBody(statusCode).error}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Fastify's `clientErrorHandler`. `replyOn` finds the reply in progress on the socket, if a
 * request had reached Fastify (a body cut by the request timeout). HTTP-level refusals are
 * answered and logged at info (one line per reply); TLS failures and resets are logged at debug:
 * they carry no request, and on a host behind the ALB they are health checks or port scans.
 */
export function clientErrorHandler(log: FastifyBaseLogger, replyOn: (socket: Socket) => ServerResponse | undefined) {
  return (error: ClientError, socket: Socket): void => {
    const code = String(error.code);
    const remoteAddress = socket.remoteAddress;
    if (!isHttpError(code)) {
      log.debug({ code, remoteAddress, err: error.message }, 'connection refused');
      socket.destroy();
      return;
    }
    const statusCode = HTTP_STATUS[code] ?? 400;
    const reply = replyOn(socket);
    const url = reply?.req.url;
    log.info(
      { method: reply?.req.method, url: url === undefined ? undefined : logUrl(url), statusCode, code, remoteAddress },
      'request refused',
    );
    // Only when no byte of a reply went out yet (Node's rule, so the peer is never corrupted).
    if (socket.writable && reply?.headersSent !== true) {
      if (reply) answeredByClientError.add(reply);
      socket.write(rawReply(statusCode));
    }
    // As Node does: the reply is already queued on the socket when it is destroyed.
    socket.destroy();
  };
}
