// Loopback ports for a process that must be told its port before it starts (a server under test,
// haproxy, a benchmark). Code that opens the socket itself should listen on port 0 instead: a port
// found free here can be taken by someone else before it is used.
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** `count` distinct ports on 127.0.0.1 that were free a moment ago (all held open together, so distinct). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer().listen(0, '127.0.0.1'));
  try {
    await Promise.all(servers.map((s) => once(s, 'listening')));
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** One port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}
