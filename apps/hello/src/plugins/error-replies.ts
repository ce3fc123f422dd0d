// JSON for unknown routes and failures; a 5xx never shows the client a message or a stack.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

/** The body of every error reply, the shape Fastify itself uses. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
}

export function errorBody(statusCode: number, message?: string): ErrorBody {
  const error = STATUS_CODES[statusCode] ?? 'Error';
  return { statusCode, error, message: message ?? error };
}

const errorReplies: FastifyPluginCallback = (app, _opts, done) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode;
    // Client errors (413, 415, ...) come from Fastify with a safe message; anything else is ours.
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(status, error.message));
    }
    request.log.error({ reqId: request.id, err: error }, 'request failed');
    return reply.code(500).send(errorBody(500));
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody(404)));
  done();
};

export default fp(errorReplies, { name: 'error-replies', fastify: '5.x' });
