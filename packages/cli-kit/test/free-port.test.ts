import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import t from 'tap';
import { freePort, freePorts } from '../src/free-port.ts';

t.test('distinct ports that a server can listen on right away', async (t) => {
  const ports = [...(await freePorts(3)), await freePort()];
  t.equal(new Set(ports.slice(0, 3)).size, 3, 'distinct');
  for (const port of ports) {
    const server = createServer().listen(port, '127.0.0.1');
    await once(server, 'listening');
    t.equal((server.address() as AddressInfo).port, port);
    await new Promise((resolve) => server.close(resolve));
  }
});
