// GET /: the guide's greeting, naming the host and the stage that answered.
import type { FastifyPluginCallback } from 'fastify';

export const HELLO_PATH = '/';

export interface HelloOptions {
  readonly hostname: string;
  readonly stage: string;
}

export function helloBody(hostname: string, stage: string): string {
  return `Hello World from ${hostname} in ${stage}\n`;
}

const hello: FastifyPluginCallback<HelloOptions> = (app, opts, done) => {
  // Built once: neither the host nor the stage changes while the process runs.
  const body = helloBody(opts.hostname, opts.stage);
  app.get(HELLO_PATH, (_request, reply) => reply.type('text/plain; charset=utf-8').send(body));
  done();
};

export default hello;
