import t from 'tap';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { clientErrorHandler } from '../src/client-errors.ts';

// The real-socket cases (400, 408, 431, TLS failures) are in timeouts.test.ts and
// server-options.test.ts; these are the ones a real client cannot easily provoke.
function fakes(writable: boolean) {
  const lines: unknown[][] = [];
  const log = {
    info: (...a: unknown[]) => lines.push(['info', ...a]),
    debug: (...a: unknown[]) => lines.push(['debug', ...a]),
  } as unknown as FastifyBaseLogger;
  const socket = {
    writable,
    remoteAddress: '127.0.0.1',
    written: [] as string[],
    destroyed: false,
    write(text: string) {
      this.written.push(text);
    },
    destroy() {
      this.destroyed = true;
    },
  };
  return { lines, log, socket };
}

t.test('an error without a code is a refused connection at debug, closed without a reply', async (t) => {
  const { lines, log, socket } = fakes(true);
  clientErrorHandler(log, {})(new Error('odd'), socket as unknown as Socket);
  t.match(lines, [['debug', { code: 'undefined', remoteAddress: '127.0.0.1', err: 'odd' }, 'connection refused']]);
  t.same(socket.written, []);
  t.ok(socket.destroyed);
});

t.test('a parse error on a socket that can no longer be written is logged, not answered', async (t) => {
  const { lines, log, socket } = fakes(false);
  clientErrorHandler(log, {})(
    Object.assign(new Error('bad'), { code: 'HPE_INVALID_METHOD' }),
    socket as unknown as Socket,
  );
  t.match(lines, [
    ['info', { statusCode: 400, code: 'HPE_INVALID_METHOD', method: undefined, url: undefined }, 'request refused'],
  ]);
  t.same(socket.written, []);
  t.ok(socket.destroyed);
});

t.test('a writable socket gets the JSON reply with the security headers and Connection: close', async (t) => {
  const { log, socket } = fakes(true);
  clientErrorHandler(log, { 'x-content-type-options': 'nosniff' })(
    Object.assign(new Error('big'), { code: 'HPE_HEADER_OVERFLOW' }),
    socket as unknown as Socket,
  );
  t.match(
    socket.written[0],
    /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[^]*x-content-type-options: nosniff\r\nConnection: close\r\n\r\n\{"statusCode":431/,
  );
});
