import t from 'tap';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { answeredByClientError, clientErrorHandler } from '../src/client-errors.ts';

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
  return { lines, log, socket: socket as typeof socket & Socket };
}

const noReply = () => undefined;

t.test('an error without a code is a refused connection at debug, closed without a reply', async (t) => {
  const { lines, log, socket } = fakes(true);
  clientErrorHandler(log, noReply)(new Error('odd'), socket);
  t.match(lines, [['debug', { code: 'undefined', remoteAddress: '127.0.0.1', err: 'odd' }, 'connection refused']]);
  t.same(socket.written, []);
  t.ok(socket.destroyed);
});

t.test('a parse error on a socket that can no longer be written is logged, not answered', async (t) => {
  const { lines, log, socket } = fakes(false);
  clientErrorHandler(log, noReply)(Object.assign(new Error('bad'), { code: 'HPE_INVALID_METHOD' }), socket);
  t.match(lines, [
    ['info', { statusCode: 400, code: 'HPE_INVALID_METHOD', method: undefined, url: undefined }, 'request refused'],
  ]);
  t.same(socket.written, []);
  t.ok(socket.destroyed);
});

t.test('a reply already under way is not written over: the connection is closed', async (t) => {
  const { lines, log, socket } = fakes(true);
  const reply = { headersSent: true, req: { method: 'GET', url: '/slow?token=s3cret' } } as unknown as ServerResponse;
  clientErrorHandler(log, () => reply)(
    Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
    socket,
  );
  t.match(lines, [['info', { statusCode: 408, method: 'GET', url: '/slow?token' }, 'request refused']]);
  t.same(socket.written, []);
  t.notOk(answeredByClientError.has(reply));
  t.ok(socket.destroyed);
});
