// GET /healthz for the target group and ValidateService: 200 while serving.
import type { FastifyInstance } from 'fastify';
import { HEALTH_PATH } from '@hello/config/constants';

const HEALTHY = JSON.stringify({ status: 'ok' });

export default async function health(app: FastifyInstance): Promise<void> {
  // Once shutdown begins, Fastify answers every request, this one included, with 503
  // (return503OnClosing), so the load balancer stops sending traffic before the process exits.
  app.get(HEALTH_PATH, (_request, reply) => reply.type('application/json; charset=utf-8').send(HEALTHY));
}
