// Fastify and Node server options: limits and timeouts that fit an ALB in front of the service.
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyHttpsOptions, FastifyReply } from 'fastify';
import {
  BODY_LIMIT_BYTES,
  CONNECTIONS_CHECK_INTERVAL_MS,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_HEADER_BYTES,
  REQUEST_TIMEOUT_MS,
  TLS_HANDSHAKE_TIMEOUT_MS,
} from '@hello/config/constants';
import { errorBody } from './plugins/error-replies.ts';
import { setSecurityHeaders } from './plugins/security-headers.ts';
import { RequestLogController } from './request-log-controller.ts';
import { requestId } from './request-id.ts';

/** Proxies whose X-Forwarded-* headers are believed: loopback and private (VPC) addresses only. */
export const TRUSTED_PROXIES = [
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
] as const;

export interface ServerTimeouts {
  readonly keepAliveTimeoutMs: number;
  /** At most requestTimeoutMs (Node's rule; Node would otherwise enforce the larger one). */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** How often Node looks for connections past headersTimeout or requestTimeout. */
  readonly checkIntervalMs: number;
  readonly handshakeTimeoutMs: number;
}

/** The production timeouts, from the shared constants (keep-alive above the ALB's idle timeout). */
export const SERVER_TIMEOUTS: ServerTimeouts = Object.freeze({
  keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
  headersTimeoutMs: HEADERS_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  checkIntervalMs: CONNECTIONS_CHECK_INTERVAL_MS,
  handshakeTimeoutMs: TLS_HANDSHAKE_TIMEOUT_MS,
});

/**
 * TLS 1.2: only ECDHE key exchange with AEAD ciphers (GCM, ChaCha20-Poly1305), the set of
 * Mozilla's "intermediate" profile, instead of Node's default list (CBC with SHA-1, CCM8, ARIA).
 * TLS 1.3: its three standard suites, as Node enables them by default.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * The service validates no request with a JSON schema, so Fastify's default compilers (ajv with
 * its meta-schemas, fast-json-stringify) need not be loaded at every start (Fastify's documented
 * `schemaController.compilersFactory`). A route that declares a schema fails at start-up with
 * this message instead of running unchecked.
 */
export const NO_SCHEMA_COMPILERS = {
  compilersFactory: {
    buildValidator: () => () => {
      throw new Error(
        'route schemas are not supported: the service loads no validator compiler (see NO_SCHEMA_COMPILERS)',
      );
    },
    buildSerializer: () => () => {
      throw new Error(
        'response schemas are not supported: the service loads no serializer compiler (see NO_SCHEMA_COMPILERS)',
      );
    },
  },
};

export interface ServerSettings {
  readonly tls: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly logger: FastifyBaseLogger;
  /** What answers the connections Node refuses (client-errors.ts). */
  readonly clientErrorHandler: (error: Error, socket: Socket) => void;
  /** @default SERVER_TIMEOUTS (tests shorten them to watch a timeout happen) */
  readonly timeouts?: ServerTimeouts;
}

export type ServiceServerOptions = FastifyHttpsOptions<Server, FastifyBaseLogger>;

export function serverOptions({
  tls,
  logger,
  clientErrorHandler,
  timeouts = SERVER_TIMEOUTS,
}: ServerSettings): ServiceServerOptions {
  if (timeouts.headersTimeoutMs > timeouts.requestTimeoutMs) {
    throw new Error(
      `server timeouts: headersTimeoutMs (${timeouts.headersTimeoutMs}) must be <= requestTimeoutMs ` +
        `(${timeouts.requestTimeoutMs}); Node would otherwise apply the larger one to the whole request`,
    );
  }
  return {
    https: {
      cert: tls.cert,
      key: tls.key,
      // No trusted CAs: the service asks for no client certificate, so it verifies nothing, and
      // without `ca` Node loads its bundled roots into every context it makes (a cost at every
      // start). The chain a client gets comes from TLS_CERT_FILE either way.
      ca: [],
      minVersion: 'TLSv1.2',
      ciphers: TLS_CIPHERS,
      handshakeTimeout: timeouts.handshakeTimeoutMs,
      maxHeaderSize: MAX_HEADER_BYTES,
      // Both here, so createServer checks the pair; Fastify sets requestTimeout again afterwards.
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    bodyLimit: BODY_LIMIT_BYTES,
    schemaController: NO_SCHEMA_COMPILERS,
    trustProxy: [...TRUSTED_PROXIES],
    // Not requestIdHeader: a client could put anything there; requestId() checks it first.
    requestIdHeader: false,
    genReqId: (req) => requestId(req.headers),
    loggerInstance: logger,
    logController: new RequestLogController(),
    // request.log is the service's logger itself, not a child per request (an object and a JSON
    // encoding of its bindings for every request): the lines about a request name its reqId
    // themselves. So routes cannot have their own log level or serializers.
    childLoggerFactory: (logger) => logger,
    clientErrorHandler,
    // A bad URL (`/%zz`) and the like, which Fastify answers before any hook runs: the security
    // headers and the status, never the input.
    frameworkErrors: (error, request, reply) => {
      // Every Fastify framework error carries a statusCode (fastify/lib/errors.js); 400 guards the type.
      /* c8 ignore next */
      const status = error.statusCode ?? 400;
      setSecurityHeaders(request.raw, reply.raw);
      void (reply as FastifyReply).code(status).send(errorBody(status));
    },
  };
}
