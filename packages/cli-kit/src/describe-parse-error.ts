// node:util parseArgs errors, said the way every usage error of the workspace's CLIs is said: what
// was wrong and what is allowed. Node's own texts suggest `-- "--stag"` for a typo.
// Error codes and texts: Node's lib/internal/util/parse_args/parse_args.js
// (ERR_PARSE_ARGS_UNKNOWN_OPTION, ERR_PARSE_ARGS_INVALID_OPTION_VALUE,
// ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL).

/** `options` are the flags the command takes, e.g. `['--stage <stage>', '--all']`. */
export function describeParseError(error: unknown, options: readonly string[]): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  const quoted = /'([^']*)'/.exec(text)?.[1] ?? text;
  const allowed = options.length === 0 ? 'it takes no options' : `the options are: ${options.join(', ')}`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quoted}; ${allowed}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `unexpected argument ${JSON.stringify(quoted)}; ${allowed}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '-s, --stage <value>' argument missing" / "Option '--all' does not take an argument"
    const flag = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
    const spec = options.find((o) => o === flag || o.startsWith(`${flag} `)) ?? flag;
    return text.endsWith('argument missing') ? `${spec} needs a value` : `${flag} takes no value (use ${flag} alone)`;
  }
  return text;
}
