// Helmet's security headers (HSTS, CSP, nosniff, ...) on every reply: @fastify/helmet for the
// replies Fastify's hooks see, and helmet's own middleware, with the same options, on the two
// kinds of reply they never see (an error Fastify raises before its hooks, the 413 that refuses
// an `Expect: 100-continue`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyHelmet from '@fastify/helmet';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's defaults, tuned for an API that serves no HTML (OWASP's REST Security Cheat Sheet,
 * "Security Headers"). An app that serves pages should go back to helmet's defaults.
 * (A plain object literal: helmet's types reach us twice, through its ESM and CommonJS declarations.)
 */
export const HELMET_OPTIONS = {
  // Nothing may load from a response and nothing may frame it: stricter than the default policy,
  // which is written for HTML pages (scripts, styles and images from 'self').
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  // Headers that only act on an HTML document (its browsing-context group, origin-keyed agent
  // cluster, DNS prefetching of its links, IE8's download prompt, Flash's cross-domain policy
  // files, the retired XSS auditor): off, since helmet builds every header on every request.
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} satisfies HelmetOptions;

const middleware = helmet(HELMET_OPTIONS);

/** Sets the headers on a reply that bypasses Fastify's hooks, as @fastify/helmet's hook does. */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  middleware(req, res, () => undefined);
}

export default fastifyHelmet;
