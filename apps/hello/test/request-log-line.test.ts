import t from 'tap';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { loggerOptions } from '../src/logger.ts';
import {
  REQUEST_COMPLETED,
  jsonString,
  requestLineWriter,
  writesPlainLines,
  type RequestLogFields,
} from '../src/request-log-line.ts';

function logger(options: LoggerOptions, stream?: pino.DestinationStream): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  // A fixed time, so two lines written a millisecond apart can be compared byte for byte.
  const log = pino(
    { ...options, timestamp: () => ',"time":1764000000000' },
    stream ?? { write: (line: string) => void lines.push(line) },
  );
  return { log, lines };
}

const FIELDS: RequestLogFields[] = [
  { reqId: '3f1e2d4c-0000-4000-8000-000000000001', method: 'GET', url: '/', statusCode: 200, responseTime: 0.12 },
  {
    reqId: 'Root=1-67891233-abcdef012345678912345678',
    method: 'POST',
    url: '/a"quote\\back?x&y',
    statusCode: 405,
    responseTime: 12,
  },
  { reqId: 'r', method: 'GET', url: '/tab\there\u0001ctl/é/ü/ÿ', statusCode: 404, responseTime: 1234.56 },
  { reqId: 'r', method: 'GET', url: `/${'long-path/'.repeat(10)}"end`, statusCode: 400, responseTime: 0 },
  // Node hands over the request target as latin1 (one char per byte), so it never holds a lone
  // surrogate; pino would write one as is where JSON.stringify (and the writer) escape it.
  { reqId: 'r\u007f', method: 'GET', url: '/pair\ud83d\ude00/\u00ff', statusCode: 400, responseTime: 0 },
];

t.test('jsonString is JSON.stringify for every code unit', async (t) => {
  const differ: number[] = [];
  for (let unit = 0; unit <= 0xffff; unit++) {
    const text = `a${String.fromCharCode(unit)}b`;
    if (jsonString(text) !== JSON.stringify(text)) differ.push(unit);
  }
  t.same(differ, []);
  t.equal(jsonString('/\ud83d\ude00'), JSON.stringify('/\ud83d\ude00'), 'a surrogate pair');
});

t.test('the service\'s logger: the same bytes as logger.info(fields, "request completed")', async (t) => {
  const fast = logger(loggerOptions('info'));
  const slow = logger(loggerOptions('info'));
  t.ok(writesPlainLines(fast.log), "the service's logger options take the direct path");
  const write = requestLineWriter(fast.log);
  for (const fields of FIELDS) {
    write(fields);
    slow.log.info(fields, REQUEST_COMPLETED);
  }
  t.same(fast.lines, slow.lines);
  t.match(JSON.parse(fast.lines[1] ?? '{}'), {
    level: 30,
    time: 1764000000000,
    pid: process.pid,
    reqId: FIELDS[1]?.reqId,
    url: '/a"quote\\back?x&y',
    msg: REQUEST_COMPLETED,
  });
});

t.test("nothing below the logger's level", async (t) => {
  const { log, lines } = logger(loggerOptions('warn'));
  requestLineWriter(log)(FIELDS[0]!);
  t.same(lines, []);
  log.level = 'info';
  requestLineWriter(log)(FIELDS[0]!);
  t.equal(lines.length, 1, 'a level changed at run time is honoured');
});

t.test('a logger that does more than plain JSON gets logger.info() itself', async (t) => {
  const cases: [string, LoggerOptions][] = [
    ['a mixin', { mixin: () => ({ extra: 1 }) }],
    ['a redacted field', { redact: ['url'] }],
    ['a wildcard redaction', { redact: ['*.secret'] }],
    ['a serializer on a field', { serializers: { url: () => 'hidden' } }],
    ['a log formatter', { formatters: { log: (o: Record<string, unknown>) => ({ ...o, formatted: true }) } }],
    ['another message key', { messageKey: 'message' }],
    ['a nested key', { nestedKey: 'payload' }],
    ['a write hook', { hooks: { streamWrite: (s: string) => s.replace('GET', 'get') } }],
  ];
  for (const [name, options] of cases) {
    const fast = logger(options);
    const slow = logger(options);
    t.notOk(writesPlainLines(fast.log), name);
    requestLineWriter(fast.log)(FIELDS[0]!);
    slow.log.info(FIELDS[0], REQUEST_COMPLETED);
    t.same(fast.lines, slow.lines, `${name}: the same line as logger.info()`);
  }
  const multi = pino.multistream([{ stream: { write: () => undefined } }]);
  t.notOk(writesPlainLines(logger({}, multi).log), 'a multistream (it needs the level of each line)');
  const calls: unknown[][] = [];
  const fake = { info: (...args: unknown[]) => calls.push(args), levels: { values: {} } } as unknown as Logger;
  requestLineWriter(fake)(FIELDS[0]!);
  t.same(calls, [[FIELDS[0], REQUEST_COMPLETED]], 'not a pino logger');
});
