// `Expect: 100-continue` with a declared body over the limit gets 413 at once, instead of Node's
// automatic `100 Continue` that invites the client to send it all first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { logUrl } from '../log-url.ts';
import { errorBody } from './error-replies.ts';
import { setSecurityHeaders } from './security-headers.ts';

export interface ExpectContinueOptions {
  readonly bodyLimit: number;
}

const expectContinue: FastifyPluginCallback<ExpectContinueOptions> = (app, opts, done) => {
  const server = app.server;
  // With a 'checkContinue' listener Node leaves the 100 to us and emits no 'request' itself
  // (Node's http docs, event 'checkContinue').
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const length = Number(req.headers['content-length']);
    if (length > opts.bodyLimit) {
      const body = JSON.stringify(errorBody(413));
      setSecurityHeaders(req, res);
      res.writeHead(413, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        connection: 'close',
      });
      res.end(body);
      app.log.info(
        { method: req.method, url: logUrl(String(req.url)), statusCode: 413, contentLength: length },
        'request refused',
      );
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  done();
};

export default fp(expectContinue, { name: 'expect-continue' });
