// Reads one whole keep-alive response off a TLS socket, so the two servers' bytes can be compared.
import { connect } from 'node:tls';

/** The response to `GET path` as sent on the wire, with the Date header's value blanked. */
export function wireResponse(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    });
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /\r\ncontent-length: (\d+)/i.exec(data.subarray(0, end).toString('latin1'));
      if (data.length >= end + 4 + Number(length?.[1] ?? 0)) {
        socket.destroy();
        resolve(data.toString('latin1').replace(/\r\nDate: [^\r]+/, '\r\nDate: <now>'));
      }
    });
    socket.on('error', reject);
    socket.setTimeout(2_000, () => socket.destroy(new Error(`no whole response from port ${port} in 2 s`)));
  });
}
