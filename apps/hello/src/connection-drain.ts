// Graceful shutdown at the connection level. Node's server.close() closes only the keep-alive
// connections it counts as idle: one that never sent a request (TLS up, or TCP still without a
// ClientHello) is not idle to Node and pins the process until the grace period kills it, while a
// keep-alive connection whose next request is already on the wire is closed unanswered.
// So, on shutdown: reply to every request with `Connection: close` for a short linger, which lets
// busy keep-alive clients finish and close; then close the server, and destroy the connections
// on which no request has started to arrive.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

const key = (socket: Socket): string => `${socket.remoteAddress}|${socket.remotePort}`;

/** The reply Node is writing on a connection, if any (http's `socket._httpMessage`). */
const replyOf = (socket: Socket): ServerResponse | null | undefined =>
  (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;

export class ConnectionDrain {
  #draining = false;
  /** TCP connections whose TLS handshake has not finished, by remote address and port. */
  readonly #handshaking = new Map<string, Socket>();
  readonly #secure = new Set<TLSSocket>();

  /** @param server the https.Server (Fastify's app.server) */
  constructor(server: EventEmitter) {
    server.on('connection', (socket: Socket) => {
      const id = key(socket);
      this.#handshaking.set(id, socket);
      socket.once('close', () => this.#handshaking.delete(id));
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      this.#handshaking.delete(key(socket));
      this.#secure.add(socket);
      socket.once('close', () => this.#secure.delete(socket));
    });
    // Before Fastify's listener, so the header is set before any route can reply.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (this.#draining) res.setHeader('connection', 'close');
    });
  }

  /** True once shutdown began: health answers 503, every reply closes its connection. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Connections now open (TLS or still in the handshake). */
  get size(): number {
    return this.#handshaking.size + this.#secure.size;
  }

  /**
   * Starts draining (replies in progress get `Connection: close` too) and waits until no
   * connection that ever sent a byte is left, or lingerMs passed; server.close() then closes the
   * ones that are idle.
   */
  async drain(lingerMs: number, pollMs = 20): Promise<void> {
    this.#draining = true;
    for (const socket of this.#secure) {
      const res = replyOf(socket);
      // A reply whose head is already out keeps its connection; Node closes it once idle.
      if (res?.headersSent === false) res.setHeader('connection', 'close');
    }
    const deadline = Date.now() + lingerMs;
    while (Date.now() < deadline && [...this.#secure].some((socket) => socket.bytesRead > 0)) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Destroys the connections on which no request has started to arrive: TCP without a finished
   * handshake, and TLS connections that never sent a byte. (Node's closeIdleConnections(), which
   * server.close() calls, closes those that are idle between two requests.) Returns how many.
   */
  closeSilent(): number {
    let closed = 0;
    for (const socket of this.#handshaking.values()) {
      socket.destroy();
      closed++;
    }
    for (const socket of this.#secure) {
      if (socket.bytesRead === 0 && !replyOf(socket)) {
        socket.destroy();
        closed++;
      }
    }
    return closed;
  }
}
