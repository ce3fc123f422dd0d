import { parseArgs } from 'node:util';
import t from 'tap';
import { describeParseError } from '../src/describe-parse-error.ts';

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
