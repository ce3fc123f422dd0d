// A GET to a service on this machine's loopback over HTTPS: the host tool's ValidateService probe
// and the rehearsal's look at which version a host serves. The service's certificate there is
// self-signed and this only ever talks to 127.0.0.1, so it is not verified.
import { request } from 'node:https';

export interface LocalAnswer {
  readonly status: number;
  readonly body: string;
}

/** GET https://127.0.0.1:<port><path> without certificate verification; rejects after `timeoutMs` of silence. */
export function getLocal(port: number, path: string, timeoutMs: number): Promise<LocalAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', rejectUnauthorized: false, timeout: timeoutMs, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
