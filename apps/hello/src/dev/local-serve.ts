// What `pnpm start` needs before the server starts: the local environment and a certificate.
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LOCAL_CERTIFICATE, SERVICE_PORT } from '@hello/config/constants';
import { ensureLocalCertificate } from './local-certificate.ts';

/** LOCAL_CERTIFICATE's folder (git-ignored), from src/dev or dist/dev alike (both three levels below the checkout's root). */
export const DEFAULT_CERT_DIR = fileURLToPath(new URL(`../../../../${LOCAL_CERTIFICATE.dir}`, import.meta.url));

type Env = Record<string, string | undefined>;

/**
 * The signals serve passes on to the server, and as what: a closed terminal (SIGHUP) stops the
 * server like systemd does.
 */
export const STOP_SIGNALS = { SIGINT: 'SIGINT', SIGTERM: 'SIGTERM', SIGHUP: 'SIGTERM' } as const;

/**
 * A handler for every stop signal that passes the first one on (as STOP_SIGNALS says) and drops
 * the rest: the copies that the terminal and each pnpm layer deliver for one Ctrl-C.
 */
export function forwardFirstStopSignal(send: (signal: NodeJS.Signals) => void) {
  let forwarded = false;
  return (signal: keyof typeof STOP_SIGNALS): void => {
    if (forwarded) return;
    forwarded = true;
    send(STOP_SIGNALS[signal]);
  };
}

/** serve's exit code from the server's: the same code, or 128 + n when signal n killed it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return signal === null ? 1 : 128 + osConstants.signals[signal];
}

/** The variables serve sets, keeping any the user set: a local stage, loopback, the local cert. */
export function localServeEnv(env: Env, certDir = DEFAULT_CERT_DIR) {
  return {
    TLS_CERT_FILE: env.TLS_CERT_FILE ?? `${certDir}/${LOCAL_CERTIFICATE.certFile}`,
    TLS_KEY_FILE: env.TLS_KEY_FILE ?? `${certDir}/${LOCAL_CERTIFICATE.keyFile}`,
    STAGE: env.STAGE ?? 'local',
    // Fastify listens on every address localhost resolves to (127.0.0.1 and/or ::1).
    HOST: env.HOST ?? 'localhost',
    PORT: env.PORT ?? String(SERVICE_PORT),
  };
}

/** Fills env in, makes the certificate when missing, and returns what to tell the user. */
export async function prepareLocalServe(env: Env, certDir?: string): Promise<string> {
  const local = localServeEnv(env, certDir);
  Object.assign(env, local);
  const created = await ensureLocalCertificate({ certFile: local.TLS_CERT_FILE, keyFile: local.TLS_KEY_FILE });
  const url = `https://localhost:${local.PORT}/`;
  return (
    `${created ? `created a self-signed certificate for localhost: ${local.TLS_CERT_FILE}\n` : ''}` +
    `serving ${url} (self-signed certificate: curl -k ${url})\n`
  );
}
