import { once } from 'node:events';
import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger, importPretty, type PrettyFactory } from '../src/logger.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestLogController } from '../src/request-log-controller.ts';
import { build, listen, type LogLine } from './helpers/build.ts';
import { openTls } from './helpers/client.ts';
import { REQUEST_ID_HEADER, requestId } from '../src/request-id.ts';

t.test('logger.ts', async (t) => {
  function sink() {
    const lines: string[] = [];
    return { lines, write: (line: string) => void lines.push(line) };
  }

  t.test('authorization and cookie values never reach the log', async (t) => {
    const out = sink();
    const log = await createLogger({ level: 'info', pretty: false, destination: out });
    log.info({ req: { headers: { authorization: 'Bearer s3cret', cookie: 'session=s3cret', host: 'x' } } }, 'r');
    log.info({ headers: { authorization: 'Basic s3cret', cookie: 'a=s3cret' } }, 'h');
    log.info({ res: { headers: { 'set-cookie': 'session=s3cret' } } }, 's');
    t.equal(out.lines.length, 3);
    for (const line of out.lines) t.notMatch(line, /s3cret/);
    t.match(JSON.parse(out.lines[0] ?? '{}'), {
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]', host: 'x' } },
    });
  });

  t.test('JSON lines at the configured level', async (t) => {
    const out = sink();
    const log = await createLogger({ level: 'warn', pretty: false, destination: out });
    log.info('dropped');
    log.warn('kept');
    t.equal(out.lines.length, 1);
    t.match(JSON.parse(out.lines[0] ?? '{}'), { level: 40, msg: 'kept' });
  });

  t.test('on a terminal the output is pretty, in-process', async (t) => {
    let text = '';
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const terminal = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        wrote();
        done();
      },
    });
    const log = await createLogger({
      level: 'info',
      pretty: true,
      destination: Object.assign(terminal, { write: terminal.write.bind(terminal) }),
    });
    log.info({ reqId: 'r-1' }, 'hello there');
    await written;
    t.match(text, /INFO/);
    t.match(text, /hello there/);
    t.notMatch(text, /^\{/, 'not JSON');
  });

  t.test('without pino-pretty (a production install) a terminal gets JSON', async (t) => {
    const out = sink();
    const missing = (): Promise<PrettyFactory> => Promise.reject(new Error("Cannot find package 'pino-pretty'"));
    const log = await createLogger({ level: 'info', pretty: true, destination: out, loadPretty: missing });
    log.info('plain');
    t.match(JSON.parse(out.lines[0] ?? '{}'), { msg: 'plain' });
  });

  t.test('pino-pretty loads as a factory', async (t) => {
    t.type(await importPretty(), 'function');
  });

  t.test('by default it writes to stdout (fd 1), pretty or not', async (t) => {
    // Silent, so nothing lands in tap's own stdout; the point is that both defaults construct.
    t.equal((await createLogger({ level: 'silent', pretty: false })).level, 'silent');
    t.equal((await createLogger({ level: 'silent', pretty: true })).level, 'silent');
  });
});

t.test('request-log-controller.ts', async (t) => {
  const requestLines = (logs: LogLine[]) => logs.filter((l) => 'statusCode' in l);

  t.test('one line per request: method, url, status, response time, request id', async (t) => {
    const { app, logs } = await build(t);
    await app.inject({ method: 'GET', url: '/version?token=s3cret&page=2&flag' });
    await app.inject({ method: 'GET', url: '/missing' });
    const lines = requestLines(logs);
    t.equal(lines.length, 2, 'no separate "incoming request" line');
    t.match(lines[0], {
      level: 30,
      msg: 'request completed',
      method: 'GET',
      url: '/version?token&page&flag',
      statusCode: 200,
      responseTime: Number,
    });
    t.match(lines[1], { method: 'GET', url: '/missing', statusCode: 404 });
    t.notMatch(JSON.stringify(logs), /s3cret/, 'query values are never logged');
    t.match(lines[0]?.reqId, /^[0-9a-f-]{36}$/, 'a generated UUID');
    t.not(lines[0]?.reqId, lines[1]?.reqId);
  });

  t.test("the request id is the ALB's X-Amzn-Trace-Id when present", async (t) => {
    const { app, logs } = await build(t);
    const trace = 'Root=1-67891233-abcdef012345678912345678';
    await app.inject({ method: 'GET', url: '/', headers: { 'x-amzn-trace-id': trace } });
    t.equal(requestLines(logs)[0]?.reqId, trace);
  });

  t.test('credentials sent with a request are not logged', async (t) => {
    const { app, logs } = await build(t);
    await app.inject({ method: 'GET', url: '/', headers: { authorization: 'Bearer s3cret', cookie: 'sid=s3cret' } });
    t.equal(requestLines(logs).length, 1);
    t.notMatch(JSON.stringify(logs), /s3cret/);
  });

  t.test('a response that failed on the wire is logged as an error', async (t) => {
    const lines: unknown[][] = [];
    const log = {
      info: (...a: unknown[]) => lines.push(['info', ...a]),
      error: (...a: unknown[]) => lines.push(['error', ...a]),
    };
    const request = { id: 'r-1', method: 'GET', url: '/', log } as unknown as FastifyRequest;
    const reply = { statusCode: 200, elapsedTime: 1.23456 } as unknown as FastifyReply;
    const controller = new RequestLogController();
    controller.requestCompleted(new Error('socket hang up'), request, reply);
    controller.requestCompleted(null, request, reply);
    t.match(lines, [
      [
        'error',
        {
          method: 'GET',
          url: '/',
          statusCode: 200,
          responseTime: 1.23,
          err: { message: 'socket hang up' },
        },
        'request failed',
      ],
      ['info', { method: 'GET', url: '/', statusCode: 200, responseTime: 1.23 }, 'request completed'],
    ]);
    t.equal(lines.length, 2);
  });

  t.test('a request the client gives up on before the reply gets one line, without query values', async (t) => {
    let arrived!: () => void;
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    const { app, logs } = await build(t, {
      extend: (app) =>
        // Answers only once the client has gone.
        app.get('/wait', async (request) => {
          arrived();
          await once(request.raw, 'close');
          return 'late';
        }),
    });
    const port = await listen(app);
    const socket = await openTls(port);
    socket.on('error', () => undefined);
    socket.write('GET /wait?secret=s3cret HTTP/1.1\r\nHost: x\r\n\r\n');
    await inHandler;
    socket.destroy();
    const deadline = Date.now() + 5000;
    while (!logs.some((l) => l.msg === 'request aborted') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    t.match(
      logs.find((l) => l.msg === 'request aborted'),
      { level: 30, method: 'GET', url: '/wait?secret', reqId: String },
    );
    t.notMatch(JSON.stringify(logs), /s3cret/);
  });
});

t.test('request-id.ts', async (t) => {
  t.test('the request id is the ALB trace id when it looks like one, a UUID otherwise', async (t) => {
    const alb = 'Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;Sampled=1';
    t.equal(requestId({ [REQUEST_ID_HEADER]: alb }), alb);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    t.match(requestId({}), uuid, 'no header');
    t.match(requestId({ [REQUEST_ID_HEADER]: 'Root=1 "}\\n{"level":60' }), uuid, 'not a trace id');
    t.match(requestId({ [REQUEST_ID_HEADER]: 'R'.repeat(257) }), uuid, 'too long');
    t.not(requestId({}), requestId({}));
  });
});
