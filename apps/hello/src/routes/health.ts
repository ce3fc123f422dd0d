// GET /healthz for the target group and ValidateService: 200 while serving.
import type { FastifyPluginCallback } from 'fastify';
import { HEALTH_PATH } from '@hello/config/constants';

const HEALTHY = JSON.stringify({ status: 'ok' });

const health: FastifyPluginCallback = (app, _opts, done) => {
  // Once shutdown begins, Fastify answers every request, this one included, with 503
  // (return503OnClosing), so the load balancer stops sending traffic before the process exits.
  app.get(HEALTH_PATH, (_request, reply) => reply.type('application/json; charset=utf-8').send(HEALTHY));
  done();
};

export default health;
