// Keep-alive clients that send one request at a time over raw TLS, open a new connection when the
// server closes theirs, and stop when the server takes no more: what a host meets under load
// when SIGTERM arrives. Counts every request written on an open connection that got no reply.
import type { TLSSocket } from 'node:tls';
import { openTls, replies } from './client.ts';

export interface KeepAliveLoad {
  /** Resolves once `count` requests were answered (the load is under way). */
  answered(count: number): Promise<void>;
  /** Stops opening new connections and resolves when every client has finished. */
  stop(): Promise<{ answered: number; lost: string[] }>;
}

export function keepAliveLoad(port: number, clients: number): KeepAliveLoad {
  let answered = 0;
  const lost: string[] = [];
  let stopped = false;
  const waiting = new Map<number, () => void>();
  const client = async () => {
    while (!stopped) {
      let socket: TLSSocket;
      try {
        socket = await openTls(port);
      } catch {
        return; // refused at accept or during the handshake: no request was sent
      }
      const r = replies(socket);
      for (let n = 1; ; n++) {
        socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        let reply: string;
        try {
          reply = await r.nth(n);
        } catch (error) {
          lost.push((error as Error).message);
          return;
        }
        answered++;
        for (const [count, resolve] of waiting) if (answered >= count) resolve();
        if (/\r\nconnection: close\r\n/i.test(reply)) break;
      }
      socket.destroy();
    }
  };
  const running = Array.from({ length: clients }, client);
  return {
    answered: (count) => new Promise((resolve) => waiting.set(count, resolve)),
    async stop() {
      stopped = true;
      await Promise.all(running);
      return { answered, lost };
    },
  };
}
