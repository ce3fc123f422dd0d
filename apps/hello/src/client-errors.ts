// What the service does with a connection Node refuses before Fastify sees a request: a bad
// request line, headers over the limit, a request too slow (400/408/431), a failed TLS handshake.
// Node's own handler (lib/_http_server.js socketOnError) and Fastify's default one write the
// reply but log nothing; this one writes the same replies and logs one line for each.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { errorBody } from './plugins/error-replies.ts';
import { logUrl } from './log-url.ts';

/** Node's error codes and the status each is answered with (as Node's socketOnError does). */
const HTTP_STATUS: Readonly<Record<string, number>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
};

/** Responses the client-error handler answered (the abort log must not add a second line). */
export const answeredByClientError = new WeakSet<ServerResponse>();

interface ClientError extends Error {
  readonly code?: string;
}

/** A request Node had started to parse on this socket, if any (Node keeps it on `_httpMessage`). */
function pendingRequest(socket: Socket): { res: ServerResponse; req: IncomingMessage } | undefined {
  const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  return res?.req === undefined ? undefined : { res, req: res.req };
}

function isHttpError(code: string): boolean {
  return code.startsWith('HPE_') || code === 'ERR_HTTP_REQUEST_TIMEOUT';
}

/**
 * Fastify's `clientErrorHandler`. HTTP-level refusals are answered and logged at info (one line
 * per reply); TLS failures and resets are logged at debug: they carry no request, and on a host
 * behind the ALB they are the ALB's health checks or port scans of a misconfigured network.
 */
export function clientErrorHandler(log: FastifyBaseLogger, headers: Readonly<Record<string, string>>) {
  return (error: ClientError, socket: Socket): void => {
    const code = String(error.code);
    const remoteAddress = socket.remoteAddress;
    if (!isHttpError(code)) {
      log.debug({ code, remoteAddress, err: error.message }, 'connection refused');
      socket.destroy();
      return;
    }
    const statusCode = HTTP_STATUS[code] ?? 400;
    const pending = pendingRequest(socket);
    const line = {
      method: pending?.req.method,
      url: pending?.req.url === undefined ? undefined : logUrl(pending.req.url),
      statusCode,
      code,
      remoteAddress,
    };
    log.info(line, 'request refused');
    // Only when no byte of a reply went out yet (Node's rule, so the peer is never corrupted).
    if (socket.writable && pending?.res.headersSent !== true) {
      if (pending) answeredByClientError.add(pending.res);
      const body = JSON.stringify(errorBody(statusCode));
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(
        `HTTP/1.1 ${statusCode} ${errorBody(statusCode).error}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n${head}Connection: close\r\n\r\n${body}`,
      );
    }
    // As Node does: the reply is already queued on the socket when it is destroyed.
    socket.destroy();
  };
}
