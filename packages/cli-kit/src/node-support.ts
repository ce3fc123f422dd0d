// The Node versions the workspace's CLIs support: 22 and 24 (the hosts run 24). On Node 22 and later
// the AWS SDK prints nothing. On an older Node the SDK's own 9-line NodeVersionSupportWarning
// (@aws-sdk/core, emitWarningIfUnsupportedVersion) is replaced by one line that says the same
// thing, not hidden: the CLI states it on every run.

/** The SDK's own switch for its warning (read by @aws-sdk/core when a client is created). */
export const SDK_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

export const OLDEST_SUPPORTED_NODE = 22;

/** One line for stderr when `version` (process.version, e.g. v20.19.0) is older than supported. */
export function nodeSupportNote(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!(major < OLDEST_SUPPORTED_NODE)) return undefined;
  return `note: Node ${version} is not supported (end of life); use Node 22 or 24. AWS SDK releases after early January 2027 require Node >=22.\n`;
}

interface NodeProcess {
  readonly version: string;
  readonly env: Record<string, string | undefined>;
  readonly stderr: { write(text: string): unknown };
}

/** On an unsupported Node: the note on stderr, and the SDK's own warning switched off (it said the same). */
export function announceNodeSupport(proc: NodeProcess): void {
  const note = nodeSupportNote(proc.version);
  if (note === undefined) return;
  proc.stderr.write(note);
  proc.env[SDK_WARNING_SWITCH] ??= 'true';
}
