// GET /version: which release runs where; deploy checks wait until it reports the new version.
// No Node version: it tells an attacker which CVEs apply (the start-up log line has it).
import type { FastifyPluginCallback } from 'fastify';
import { VERSION_PATH } from '@hello/config/constants';

export interface VersionOptions {
  readonly version: string;
  readonly stage: string;
  readonly startedAt: Date;
}

export interface VersionBody {
  readonly version: string;
  readonly stage: string;
  readonly startedAt: string;
}

const version: FastifyPluginCallback<VersionOptions> = (app, opts, done) => {
  const body: VersionBody = {
    version: opts.version,
    stage: opts.stage,
    startedAt: opts.startedAt.toISOString(),
  };
  const json = JSON.stringify(body);
  app.get(VERSION_PATH, (_request, reply) => reply.type('application/json; charset=utf-8').send(json));
  done();
};

export default version;
