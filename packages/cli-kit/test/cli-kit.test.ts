import { ProjectConfigError } from '@hello/config/define-project';
import t from 'tap';
import { CliError, UsageError } from '../src/cli-error.ts';
import { reportError, wantsVerbose, withoutVerbose } from '../src/report-error.ts';
import { parseArgs } from 'node:util';
import { describeParseError } from '../src/describe-parse-error.ts';
import { importOrExit, runEntry } from '../src/run-entry.ts';
import {
  announceNodeSupport,
  nodeSupportNote,
  OLDEST_SUPPORTED_NODE,
  SDK_WARNING_SWITCH,
} from '../src/node-support.ts';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { freePort, freePorts } from '../src/free-port.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer as createHttpsServer } from 'node:https';
import { getLocal } from '../src/get-local.ts';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESM_REQUIRE_BANNER } from '../src/esm-require-banner.mjs';

t.test('report-error.ts', async (t) => {
  t.test('--verbose anywhere or DEBUG asks for stack traces', (t) => {
    t.equal(wantsVerbose(['deploy', '--verbose'], {}), true);
    for (const DEBUG of ['1', 'true', '*']) t.equal(wantsVerbose([], { DEBUG }), true, DEBUG);
    t.equal(wantsVerbose(['deploy'], { DEBUG: '0' }), false);
    t.equal(wantsVerbose([], {}), false);
    t.same(withoutVerbose(['deploy', '--verbose', '--stage', 'prod']), ['deploy', '--stage', 'prod']);
    t.end();
  });

  t.test('a CliError is its message and exit code; frames only when asked', (t) => {
    t.same(reportError(new UsageError('deploy: --stage <stage> is required'), false), {
      text: 'error: deploy: --stage <stage> is required\n',
      exitCode: 2,
    });
    const verbose = reportError(new CliError('refused'), true);
    t.match(verbose.text, /^error: refused\n\s+at /);
    t.equal(verbose.text.match(/refused/g)?.length, 1, 'the message once');
    t.end();
  });

  t.test('invalid settings: the problem list once, no stack', (t) => {
    const report = reportError(
      new ProjectConfigError(['aws.account: "12345" is not allowed; expected a 12-digit AWS account id as a string']),
      false,
    );
    t.equal(
      report.text,
      'error: invalid project settings (packages/config/src/project.ts):\n  - aws.account: "12345" is not allowed; expected a 12-digit AWS account id as a string\n',
    );
    t.equal(report.exitCode, 1);
    t.end();
  });

  t.test('a bug: its name and message, the stack only when asked', (t) => {
    const quiet = reportError(new TypeError('x is undefined'), false);
    t.equal(
      quiet.text,
      'unexpected error: TypeError: x is undefined\n(a bug: run again with --verbose or DEBUG=1 for the stack trace)\n',
    );
    t.equal(quiet.exitCode, 1);
    t.match(
      reportError(new TypeError('x is undefined'), true).text,
      /^unexpected error: TypeError: x is undefined\n\s+at .*cli-kit\.test\.ts/,
    );
    t.equal(reportError('a string', false).text.split('\n')[0], 'unexpected error: Error: a string');
    t.equal(
      reportError(Object.assign(new Error('no stack'), { stack: undefined }), true).text,
      'unexpected error: Error: no stack\n',
    );
    t.end();
  });
});

t.test('describe-parse-error.ts', async (t) => {
  const OPTIONS = ['--stage <stage>', '--all'];

  /** The real error node:util parseArgs throws for these arguments. */
  function parseError(args: string[], allowPositionals = false): unknown {
    try {
      parseArgs({
        args,
        options: { stage: { type: 'string' }, all: { type: 'boolean' } },
        strict: true,
        allowPositionals,
      });
    } catch (error) {
      return error;
    }
    throw new Error(`no error for ${args.join(' ')}`);
  }

  t.test('each parseArgs error says what was wrong and what is allowed', (t) => {
    t.equal(
      describeParseError(parseError(['--stag', 'prod']), OPTIONS),
      'unknown option --stag; the options are: --stage <stage>, --all',
    );
    t.equal(describeParseError(parseError(['-x']), []), 'unknown option -x; it takes no options');
    t.equal(describeParseError(parseError(['--stage']), OPTIONS), '--stage <stage> needs a value');
    t.equal(describeParseError(parseError(['--all=yes']), OPTIONS), '--all takes no value (use --all alone)');
    t.equal(
      describeParseError(parseError(['prod']), OPTIONS),
      'unexpected argument "prod"; the options are: --stage <stage>, --all',
    );
    t.end();
  });

  t.test('anything else keeps its own text', (t) => {
    t.equal(describeParseError(new Error('odd'), OPTIONS), 'odd');
    t.equal(describeParseError('odd', OPTIONS), 'odd');
    t.equal(
      describeParseError(
        { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', message: "Option '--zzz' argument missing" },
        OPTIONS,
      ),
      '--zzz needs a value',
    );
    t.equal(
      describeParseError(
        { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', message: "Option '-s' argument missing" },
        OPTIONS,
      ),
      '-s needs a value',
    );
    t.equal(
      describeParseError({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }, OPTIONS),
      'unknown option [object Object]; the options are: --stage <stage>, --all',
    );
    t.end();
  });
});

t.test('run-entry.ts', async (t) => {
  function proc(argv: string[], env: Record<string, string> = {}) {
    let err = '';
    return { argv: ['node', 'entry', ...argv], env, stderr: { write: (s: string) => (err += s) }, err: () => err };
  }

  t.test('runs the loaded program with the arguments after the script', async (t) => {
    const p = proc(['names', '--stage', 'prod']);
    t.equal(await runEntry(p, async () => async (argv) => (argv.join(' ') === 'names --stage prod' ? 0 : 9)), 0);
    t.equal(p.err(), '');
  });

  t.test('invalid settings thrown while the program loads: a few lines, exit 1, no stack', async (t) => {
    const problem = 'aws.account: "12345" is not allowed; expected a 12-digit AWS account id as a string';
    const p = proc(['names']);
    t.equal(await runEntry(p, () => Promise.reject(new ProjectConfigError([problem]))), 1);
    t.equal(p.err(), `error: invalid project settings (packages/config/src/project.ts):\n  - ${problem}\n`);
    const verbose = proc(['names', '--verbose']);
    await runEntry(verbose, () => Promise.reject(new ProjectConfigError([problem])));
    t.match(verbose.err(), /\n\s+at /, '--verbose adds the stack');
  });

  t.test('an error the program throws is reported with its exit code', async (t) => {
    const p = proc(['x'], { DEBUG: '1' });
    t.equal(await runEntry(p, async () => () => Promise.reject(new CliError('refused', 3))), 3);
    t.match(p.err(), /^error: refused\n\s+at /);
  });

  t.test('importOrExit: the module when it loads; otherwise the report and the exit code', async (t) => {
    const problem = 'aws.account: "12345" is not allowed; expected a 12-digit AWS account id as a string';
    const exits: number[] = [];
    const p = {
      ...proc([]),
      exit: (code: number): never => {
        exits.push(code);
        throw new Error('exited');
      },
    };
    t.same(await importOrExit(p, async () => ({ project: 'ok' })), { project: 'ok' });
    t.same(exits, []);
    await t.rejects(
      importOrExit(p, () => Promise.reject(new ProjectConfigError([problem]))),
      /exited/,
    );
    t.same(exits, [1]);
    t.equal(p.err(), `error: invalid project settings (packages/config/src/project.ts):\n  - ${problem}\n`);
  });
});

t.test('node-support.ts', async (t) => {
  t.test('Node 22 and 24 get no note; older ones one line naming the supported versions', (t) => {
    t.equal(OLDEST_SUPPORTED_NODE, 22);
    for (const v of ['v22.0.0', 'v22.23.3', 'v24.21.0', 'v26.1.0']) t.equal(nodeSupportNote(v), undefined, v);
    t.equal(
      nodeSupportNote('v20.19.0'),
      'note: Node v20.19.0 is not supported (end of life); use Node 22 or 24. AWS SDK releases after early January 2027 require Node >=22.\n',
    );
    t.equal(nodeSupportNote('nonsense'), undefined, 'an unreadable version is not guessed at');
    // The variable @aws-sdk/core's emitWarningIfUnsupportedVersion reads.
    t.equal(SDK_WARNING_SWITCH, 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED');
    t.end();
  });

  t.test('an unsupported Node: the note once, and the SDK told not to repeat it; a user setting wins', (t) => {
    let err = '';
    const old = {
      version: 'v20.19.0',
      env: {} as Record<string, string | undefined>,
      stderr: { write: (s: string) => (err += s) },
    };
    announceNodeSupport(old);
    t.match(err, /^note: Node v20\.19\.0 is not supported/);
    t.equal(old.env[SDK_WARNING_SWITCH], 'true');
    const own = { ...old, env: { [SDK_WARNING_SWITCH]: 'false' } };
    announceNodeSupport(own);
    t.equal(own.env[SDK_WARNING_SWITCH], 'false');
    err = '';
    const current = { version: 'v24.21.0', env: {} as Record<string, string | undefined>, stderr: old.stderr };
    announceNodeSupport(current);
    t.equal(err, '');
    t.same(current.env, {});
    t.end();
  });
});

t.test('free-port.ts', async (t) => {
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
});

t.test('get-local.ts', async (t) => {
  t.test('the status and body of a self-signed loopback server', async (t) => {
    const dir = t.testdir({});
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
    execFileSync('openssl', [...args, '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const server = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) =>
      res.writeHead(404).end(`no ${req.url}`),
    ).listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.same(await getLocal((server.address() as AddressInfo).port, '/nope', 1000), { status: 404, body: 'no /nope' });
    await new Promise((resolve) => server.close(resolve));
  });

  t.test('a server that accepts and never speaks is given up on', async (t) => {
    // resume() lets the connection see the client hang up.
    const tcp = createServer((socket) => socket.resume()).listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    await t.rejects(getLocal((tcp.address() as AddressInfo).port, '/healthz', 100), /no answer within 100 ms/);
    await new Promise((resolve) => tcp.close(resolve));
  });
});

t.test('esm-require-banner.mjs', async (t) => {
  t.test('an ES module that starts with the banner can require Node built-ins', async (t) => {
    // What esbuild emits for a CommonJS dependency inside an ES-module bundle: a plain require().
    const file = join(t.testdir({}), 'bundle.mjs');
    writeFileSync(file, `${ESM_REQUIRE_BANNER}\nexport const sep = require('node:path').sep;\n`);
    const bundle = (await import(pathToFileURL(file).href)) as { sep: string };
    t.equal(bundle.sep, (await import('node:path')).sep);
  });
});
