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

export class ConnectionDrain {
  #draining = false;
  /** TCP connections whose TLS handshake has not finished, by remote address and port. */
  readonly #handshaking = new Map<string, Socket>();
  /** TLS connections and the bytes they had sent when their last reply was written. */
  readonly #secure = new Map<TLSSocket, number>();
  /** Replies in progress: those started before the drain get `Connection: close` too. */
  readonly #replying = new Set<ServerResponse>();

  /** @param server the https.Server (Fastify's app.server) */
  constructor(server: EventEmitter) {
    server.on('connection', (socket: Socket) => {
      const id = key(socket);
      this.#handshaking.set(id, socket);
      socket.once('close', () => this.#handshaking.delete(id));
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      this.#handshaking.delete(key(socket));
      this.#secure.set(socket, 0);
      socket.once('close', () => this.#secure.delete(socket));
    });
    // Before Fastify's listener, so the header is set before any route can reply.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.#draining) res.setHeader('connection', 'close');
      this.#replying.add(res);
      res.once('close', () => {
        this.#replying.delete(res);
        this.#secure.set(req.socket as TLSSocket, req.socket.bytesRead);
      });
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
   * Starts draining and waits until no connection that ever carried a request is left, or
   * lingerMs passed (connections that are still idle then are closed by server.close()).
   */
  async drain(lingerMs: number, pollMs = 20): Promise<void> {
    this.#draining = true;
    for (const res of this.#replying) if (!res.headersSent) res.setHeader('connection', 'close');
    const deadline = Date.now() + lingerMs;
    while (Date.now() < deadline && [...this.#secure.values()].some((bytes) => bytes > 0)) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Destroys the connections on which no request has started to arrive: TCP without a finished
   * handshake, and TLS connections that sent no byte since their last reply and have no reply
   * in progress. Returns how many it closed.
   */
  closeSilent(): number {
    let closed = 0;
    for (const socket of this.#handshaking.values()) {
      socket.destroy();
      closed++;
    }
    for (const [socket, bytesAtLastReply] of this.#secure) {
      if (socket.bytesRead === bytesAtLastReply && ![...this.#replying].some((res) => res.socket === socket)) {
        socket.destroy();
        closed++;
      }
    }
    return closed;
  }
}
