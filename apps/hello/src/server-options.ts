// Fastify and Node server options: limits and timeouts that fit an ALB in front of the service.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Server } from 'node:https';
import type { FastifyBaseLogger, FastifyHttpsOptions } from 'fastify';
import {
  BODY_LIMIT_BYTES,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_HEADER_BYTES,
  REQUEST_TIMEOUT_MS,
} from '@hello/config/constants';
import { RequestLogController } from './request-log-controller.js';

/** Proxies whose X-Forwarded-* headers are believed: loopback and private (VPC) addresses only. */
export const TRUSTED_PROXIES = [
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
] as const;

/** The ALB appends its trace id to every request; logs then join up with the ALB's access logs. */
export const REQUEST_ID_HEADER = 'x-amzn-trace-id';

/** What an ALB trace id looks like (`Self=1-...;Root=1-...;Sampled=1`); anything else is replaced. */
const TRACE_ID = /^[A-Za-z0-9=;:._-]{1,256}$/;

/** The request id: the ALB's trace id when it is one, a fresh UUID otherwise. */
export function requestId(headers: IncomingHttpHeaders): string {
  const trace = headers[REQUEST_ID_HEADER];
  return typeof trace === 'string' && TRACE_ID.test(trace) ? trace : randomUUID();
}

export interface ServerTimeouts {
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** How often Node looks for connections past headersTimeout or requestTimeout. */
  readonly checkIntervalMs: number;
}

/** The production timeouts, from the shared constants (keep-alive above the ALB's idle timeout). */
export const SERVER_TIMEOUTS: ServerTimeouts = Object.freeze({
  keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
  headersTimeoutMs: HEADERS_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  checkIntervalMs: 5_000,
});

export interface ServerSettings {
  readonly tls: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly logger: FastifyBaseLogger;
  /** @default SERVER_TIMEOUTS (tests shorten them to watch a timeout happen) */
  readonly timeouts?: ServerTimeouts;
}

export type ServiceServerOptions = FastifyHttpsOptions<Server, FastifyBaseLogger>;

export function serverOptions({ tls, logger, timeouts = SERVER_TIMEOUTS }: ServerSettings): ServiceServerOptions {
  return {
    https: {
      cert: tls.cert,
      key: tls.key,
      minVersion: 'TLSv1.2',
      maxHeaderSize: MAX_HEADER_BYTES,
      // Fastify sets keepAliveTimeout and requestTimeout itself; headersTimeout only Node knows.
      headersTimeout: timeouts.headersTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: [...TRUSTED_PROXIES],
    // Not requestIdHeader: a client could put anything there; requestId() checks it first.
    requestIdHeader: false,
    genReqId: (req) => requestId(req.headers),
    loggerInstance: logger,
    logController: new RequestLogController(),
    // request.log is the service's logger itself, not a child per request (an allocation and a
    // JSON encoding each time): the lines about a request name its reqId themselves. So routes
    // cannot have their own log level or serializers.
    childLoggerFactory: (logger) => logger,
    // Requests that arrive once shutdown began (health checks included) get 503.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  };
}
