import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger, importPretty, type PrettyFactory } from '../src/logger.ts';

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
  const terminal = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = await createLogger({
    level: 'info',
    pretty: true,
    destination: Object.assign(terminal, { write: terminal.write.bind(terminal) }),
  });
  log.info({ reqId: 'r-1' }, 'hello there');
  await new Promise((r) => setTimeout(r, 50));
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
