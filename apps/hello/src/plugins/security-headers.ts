// Helmet's security headers (HSTS, CSP, nosniff, ...) on every reply: @fastify/helmet for the
// replies Fastify's hooks see, and helmet's own middleware, with the same options, on the two
// kinds of reply they never see (an error Fastify raises before its hooks, the 413 that refuses
// an `Expect: 100-continue`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyHelmet from '@fastify/helmet';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's defaults: the service serves no HTML, so none of them gets in its way. (A plain
 * object literal: helmet's types reach us twice, through its ESM and its CommonJS declarations.)
 */
export const HELMET_OPTIONS = {} satisfies HelmetOptions;

const middleware = helmet(HELMET_OPTIONS);

/** Sets the headers on a reply that bypasses Fastify's hooks, as @fastify/helmet's hook does. */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  middleware(req, res, () => undefined);
}

export default fastifyHelmet;
