// JSON for unknown routes and failures. No reply echoes the request (path, content type, ...):
// a client error gets its status text, a 5xx never shows a message or a stack.
import type { FastifyError, FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

// Not `import ... from 'node:http'`: an ES import of a built-in builds its ESM facade, which reads
// every export, and node:http's lazy undici getters then load undici at every start.
// getBuiltinModule returns the CommonJS exports as they are.
const { STATUS_CODES } = process.getBuiltinModule('node:http');

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

/** Methods the read-only paths answer. */
export const ALLOWED_METHODS = 'GET, HEAD';

export interface ErrorRepliesOptions {
  /** Paths that exist: any other method on them gets 405 with Allow, whatever the method. */
  readonly paths: readonly string[];
}

const errorReplies: FastifyPluginCallback<ErrorRepliesOptions> = (app, opts, done) => {
  const known = new Set(opts.paths);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      request.log.debug({ reqId: request.id, code: error.code }, 'client error');
      return reply.code(status).send(errorBody(status));
    }
    request.log.error({ reqId: request.id, err: error }, 'request failed');
    return reply.code(500).send(errorBody(500));
  });

  // Methods Fastify does not route at all (WebDAV's PROPFIND, MKCOL, ...) end up here too.
  app.setNotFoundHandler((request, reply) => {
    const query = request.url.indexOf('?');
    const path = query === -1 ? request.url : request.url.slice(0, query);
    if (known.has(path)) return reply.code(405).header('allow', ALLOWED_METHODS).send(errorBody(405));
    return reply.code(404).send(errorBody(404));
  });
  done();
};

export default fp(errorReplies, { name: 'error-replies' });
