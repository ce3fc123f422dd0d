// A GET that trusts extra certificate authorities for this request only (a local self-signed
// certificate, a private CA): Node's global fetch takes no `ca`, and NODE_EXTRA_CA_CERTS is read
// only when the process starts.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

/** What a smoke probe needs of fetch; the global fetch is one. */
export type HttpGet = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{ status: number; text(): Promise<string> }>;

const MAX_REDIRECTS = 5;

function once(url: URL, ca: readonly string[], init: Parameters<HttpGet>[1]): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'GET', headers: init.headers, signal: init.signal, ca: [...rootCertificates, ...ca] },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

async function body(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GETs trusting the system's CAs plus `ca` (PEM), following redirects like fetch. Failures are
 * thrown like fetch's (`fetch failed` with the reason, e.g. DEPTH_ZERO_SELF_SIGNED_CERT, as cause).
 */
export function httpGetTrusting(ca: readonly string[]): HttpGet {
  return async (url, init) => {
    let target = new URL(url);
    for (let hop = 0; ; hop += 1) {
      let res: IncomingMessage;
      try {
        res = await once(target, ca, init);
      } catch (error) {
        throw new Error('fetch failed', { cause: error });
      }
      // Always set on the response to a client request (node:http sets it from the status line).
      const status = res.statusCode as number;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined && hop < MAX_REDIRECTS) {
        res.resume();
        target = new URL(location, target);
        continue;
      }
      const text = await body(res);
      return { status, text: () => Promise.resolve(text) };
    }
  };
}
