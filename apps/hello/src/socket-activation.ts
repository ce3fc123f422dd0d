// systemd socket activation: hello.socket (deploy/) holds the listening socket, so a killed or
// restarting process leaves new connections queued in the kernel's backlog for the next one
// instead of refused. systemd passes it as described in sd_listen_fds(3); without LISTEN_FDS
// (pnpm start, tests, bench) the service binds HOST:PORT itself.
import type { AddressInfo } from 'node:net';
import type { ServiceInstance } from './build-server.ts';
import type { ConnectionDrain } from './connection-drain.ts';

/** sd_listen_fds(3): the first passed descriptor; the next ones follow it. */
export const SD_LISTEN_FDS_START = 3;

/**
 * The listening descriptor systemd passed to this process, or undefined when none was. As
 * sd_listen_fds(3): LISTEN_PID must be this process's pid (a child that inherited the variables is
 * not meant), LISTEN_FDS is how many descriptors follow SD_LISTEN_FDS_START. The unit passes one.
 */
export function activatedSocket(env: Readonly<Record<string, string | undefined>>, pid: number): number | undefined {
  if (env.LISTEN_PID !== String(pid) || env.LISTEN_FDS === undefined || env.LISTEN_FDS === '0') return undefined;
  if (env.LISTEN_FDS !== '1') {
    throw new Error(
      `LISTEN_FDS=${env.LISTEN_FDS}: expected 1, the one ListenStream= socket of the service's socket unit`,
    );
  }
  return SD_LISTEN_FDS_START;
}

/**
 * Serves on the passed descriptor. Fastify's listen() does not pass a descriptor on, so
 * ready(), then Node's server.listen({ fd }) (fastify/fastify discussion #4444). app.close()
 * still closes it (Fastify closes app.server whether or not it bound it). On drain the listener is
 * closed instead of left to drop new connections (src/connection-drain.ts): systemd's copy keeps
 * the socket, so they wait for the next process.
 */
export async function listenOnActivatedSocket(
  app: ServiceInstance,
  connections: Pick<ConnectionDrain, 'closeListenerOnDrain'>,
  fd: number,
): Promise<void> {
  await app.ready();
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen({ fd }, () => {
      app.server.off('error', reject);
      resolve();
    });
  });
  connections.closeListenerOnDrain();
  const { address, port } = app.server.address() as AddressInfo;
  app.log.info(`Server listening at https://${address}:${port} (fd ${fd}, passed by systemd)`);
}
