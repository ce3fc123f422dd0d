// Graceful shutdown at the connection level, from the server's public events. On shutdown the
// server takes no new connection (maxConnections 0), every reply carries `Connection: close`, and
// a connection is closed by the service only once it has been quiet for a while: no request in
// progress, none started since its last reply. A keep-alive client that is sending therefore gets
// its next answer (and `Connection: close`) instead of a socket closed under a request already on
// the wire, and a connection that never sends anything cannot hold the shutdown.
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

interface Connection {
  /** The TCP socket until the TLS handshake is done, the TLS socket afterwards. */
  socket: Socket;
  /** The reply in progress, if any (HTTP/1.1 answers one request at a time). */
  reply: ServerResponse | undefined;
  /** False until the TLS handshake is done: no request can have arrived before. */
  secure: boolean;
  /** socket.bytesRead when its last reply ended: more means a next request has started to arrive. */
  bytesAtIdle: number;
  timer: NodeJS.Timeout | undefined;
}

const addressOf = (socket: Socket): string => `${socket.remoteAddress}|${socket.remotePort}`;

export class ConnectionDrain {
  #draining = false;
  #quietMs = 0;
  #server: Server | undefined;
  #closeListener = false;
  readonly #open = new Set<Connection>();
  /** Connections still in the TLS handshake, by remote address and port (the TLS socket's too). */
  readonly #handshaking = new Map<string, Connection>();
  readonly #byTlsSocket = new WeakMap<Socket, Connection>();
  #drained: (() => void) | undefined;
  /** One 'close' listener for every reply (no closure per request). */
  readonly #replyClosed: (this: ServerResponse) => void;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const drain = this;
    this.#replyClosed = function (this: ServerResponse) {
      drain.#replyEnded(this);
    };
  }

  /** Follows `server`'s connections and requests (Fastify's app.server). */
  track(server: Server): void {
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      const connection: Connection = { socket, reply: undefined, secure: false, bytesAtIdle: 0, timer: undefined };
      const address = addressOf(socket);
      this.#open.add(connection);
      this.#handshaking.set(address, connection);
      // The TCP socket closes with the TLS socket on top of it, whichever side ends it.
      socket.once('close', () => {
        this.#handshaking.delete(address);
        this.#open.delete(connection);
        clearTimeout(connection.timer);
        if (this.#open.size === 0) this.#drained?.();
      });
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      const address = addressOf(socket);
      const connection = this.#handshaking.get(address);
      /* c8 ignore next: Node emits 'connection' for every socket before its handshake */
      if (connection === undefined) return;
      this.#handshaking.delete(address);
      connection.socket = socket;
      connection.secure = true;
      this.#byTlsSocket.set(socket, connection);
      if (this.#draining) this.#quiet(connection);
    });
    // Before Fastify's listener, so the header is there before any route replies.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const connection = this.#byTlsSocket.get(req.socket);
      if (this.#draining) res.setHeader('connection', 'close');
      /* c8 ignore next: every request arrives on a tracked TLS connection */
      if (connection === undefined) return;
      connection.reply = res;
      // 'close' comes once per response: on() needs no once() wrapper.
      res.on('close', this.#replyClosed);
    });
  }

  /**
   * On drain, close the listening socket instead of dropping new connections at accept: for a
   * socket systemd holds too (src/socket-activation.ts), whose backlog keeps them for the next
   * process. net.Server's close(), not the HTTPS server's: that one also closes every idle
   * keep-alive connection at once, under a request a client may be sending.
   */
  closeListenerOnDrain(): void {
    this.#closeListener = true;
  }

  /** True once shutdown began: health answers 503, every reply closes its connection. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Connections now open (TLS, or still in the handshake). */
  get size(): number {
    return this.#open.size;
  }

  /** The reply in progress on a connection, for the replies Node writes itself (client errors). */
  replyOn(socket: Socket): ServerResponse | undefined {
    return this.#byTlsSocket.get(socket)?.reply;
  }

  /**
   * Starts draining (after track()): no new connection is accepted, replies not yet under way get
   * `Connection: close`, and each connection is closed once it has been quiet for quietMs (from
   * now at the earliest). Resolves when no connection is left.
   */
  drain(quietMs: number): Promise<void> {
    this.#draining = true;
    this.#quietMs = quietMs;
    // Connections arriving from now on are dropped by Node at accept ('drop' event): no request
    // can have reached the process on them. Or they wait in systemd's socket (closeListenerOnDrain).
    if (this.#closeListener) NetServer.prototype.close.call(this.#server);
    else this.#server!.maxConnections = 0;
    const drained = new Promise<void>((resolve) => (this.#drained = resolve));
    if (this.#open.size === 0) this.#drained!();
    for (const connection of this.#open) {
      if (connection.reply?.headersSent === false) connection.reply.setHeader('connection', 'close');
      this.#quiet(connection);
    }
    return drained;
  }

  #replyEnded(res: ServerResponse): void {
    const connection = this.#byTlsSocket.get(res.req.socket);
    // Another reply on it since (a pipelined request): that one's end counts.
    if (connection?.reply !== res) return;
    connection.reply = undefined;
    connection.bytesAtIdle = connection.socket.bytesRead;
    if (this.#draining) this.#quiet(connection);
  }

  /** (Re)starts a connection's quiet period. */
  #quiet(connection: Connection): void {
    clearTimeout(connection.timer);
    connection.timer = setTimeout(() => this.#closeIfQuiet(connection), this.#quietMs);
  }

  #closeIfQuiet(connection: Connection): void {
    const { socket, reply, secure, bytesAtIdle } = connection;
    // A reply in progress, or a request that has started to arrive: Node's request and headers
    // timeouts bound those, and the grace period bounds the shutdown.
    if (secure && (reply !== undefined || socket.bytesRead !== bytesAtIdle)) {
      this.#quiet(connection);
      return;
    }
    socket.destroy();
  }
}
