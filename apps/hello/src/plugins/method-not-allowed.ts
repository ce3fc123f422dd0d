// 405 with an Allow header for writes to the read-only routes; oversized bodies still get 413.
import type { FastifyPluginCallback } from 'fastify';
import { ALLOWED_METHODS, errorBody } from './error-replies.ts';

export interface MethodNotAllowedOptions {
  /** Paths that only answer GET (and HEAD). */
  readonly paths: readonly string[];
}

/** Registered without fastify-plugin: its catch-all body parser stays inside this scope. */
const methodNotAllowed: FastifyPluginCallback<MethodNotAllowedOptions> = (app, opts, done) => {
  // Read (and bound by bodyLimit) any body, so a large one is refused with 413, not parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
  const methods = app.supportedMethods.filter((m) => m !== 'GET' && m !== 'HEAD');
  for (const url of opts.paths) {
    app.route({
      method: methods,
      url,
      handler: (_request, reply) => reply.code(405).header('allow', ALLOWED_METHODS).send(errorBody(405)),
    });
  }
  done();
};

export default methodNotAllowed;
