// GET /healthz for the target group and ValidateService: 200 while serving, 503 once draining.
import type { FastifyPluginCallback } from 'fastify';
import { HEALTH_PATH } from '@hello/config/constants';

const HEALTHY = JSON.stringify({ status: 'ok' });
const DRAINING = JSON.stringify({ status: 'draining' });

export interface HealthOptions {
  /** True once shutdown began: the load balancer then stops sending before the process exits. */
  readonly draining: () => boolean;
}

const health: FastifyPluginCallback<HealthOptions> = (app, opts, done) => {
  app.get(HEALTH_PATH, (_request, reply) => {
    reply.type('application/json; charset=utf-8');
    return opts.draining() ? reply.code(503).send(DRAINING) : reply.send(HEALTHY);
  });
  done();
};

export default health;
