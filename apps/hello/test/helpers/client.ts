// Loopback HTTPS clients for tests: a verifying https request, and raw bytes over TLS for
// requests a well-behaved client would never send.
import { request, type Agent } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import { testCertificate } from './certificate.ts';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request that verifies the server's certificate (by default the test certificate, its own CA). */
export async function fetchOver(
  port: number,
  path: string,
  options: { method?: string; agent?: Agent; ca?: string } = {},
): Promise<Answer> {
  const cert = options.ca ?? (await testCertificate()).cert;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', ca: cert, agent: options.agent ?? false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** An open TLS connection to the server (trusting the test certificate). */
export async function openTls(port: number): Promise<TLSSocket> {
  const { cert } = await testCertificate();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
export function readUntilClosed(socket: TLSSocket): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(data));
  });
}

/** Sends raw bytes and returns what the server answered before it closed the connection. */
export async function exchange(port: number, bytes: string): Promise<string> {
  const socket = await openTls(port);
  const answer = readUntilClosed(socket);
  socket.write(bytes);
  return answer;
}

/** The whole HTTP/1.1 replies in `data` (each with a Content-Length body), in order. */
export function wholeReplies(data: string): string[] {
  const found: string[] = [];
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd === -1) return found;
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(data.slice(at, headEnd))?.[1] ?? 0);
    const end = headEnd + 4 + length;
    if (data.length < end) return found;
    found.push(data.slice(at, end));
    at = end;
  }
}

/** Reads replies off a raw TLS socket as they arrive. */
export function replies(socket: TLSSocket) {
  let data = '';
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const check of waiting) check();
  };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    data += chunk;
    wake();
  });
  socket.on('close', wake);
  socket.on('error', () => undefined);
  return {
    all: () => wholeReplies(data),
    /** Resolves with the count-th whole reply; rejects if the connection closes before it. */
    nth(count: number): Promise<string> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const got = wholeReplies(data);
          if (got.length >= count) {
            waiting.delete(check);
            resolve(got[count - 1]!);
          } else if (socket.destroyed) {
            waiting.delete(check);
            reject(new Error(`the connection closed after ${got.length} of ${count} replies`));
          }
        };
        waiting.add(check);
        check();
      });
    },
  };
}
