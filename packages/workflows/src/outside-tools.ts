// Programs the workspace runs that npm does not install: a job that runs a command needing one
// must install it first (or run on an image that has it). Each entry says how it is installed;
// `onRunnerImage` is what GitHub's ubuntu-24.04 image already has (actions/runner-images,
// images/ubuntu/Ubuntu2404-Readme.md: OpenSSL, Python 3.12, Pipx, systemd, GitHub CLI, the `jq` and
// `shellcheck` apt packages; util-linux is part of every Ubuntu).

export interface OutsideTool {
  /** The command name, as the code spawns it. */
  readonly command: string;
  /** Debian/Ubuntu package (apt-get install), if it comes from one. */
  readonly apt?: string;
  /** Python package (pipx install), if it comes from one. */
  readonly pipx?: string;
  readonly onRunnerImage: boolean;
}

export const OUTSIDE_TOOLS: readonly OutsideTool[] = [
  { command: 'cfn-lint', pipx: 'cfn-lint', onRunnerImage: false },
  { command: 'moto_server', pipx: 'moto', onRunnerImage: false },
  { command: 'haproxy', apt: 'haproxy', onRunnerImage: false },
  { command: 'wrk', apt: 'wrk', onRunnerImage: false },
  { command: 'shellcheck', apt: 'shellcheck', onRunnerImage: true },
  { command: 'openssl', apt: 'openssl', onRunnerImage: true },
  { command: 'systemd-analyze', apt: 'systemd', onRunnerImage: true },
  { command: 'python3', apt: 'python3', onRunnerImage: true },
  { command: 'setpriv', apt: 'util-linux', onRunnerImage: true },
  { command: 'setsid', apt: 'util-linux', onRunnerImage: true },
  { command: 'unshare', apt: 'util-linux', onRunnerImage: true },
  { command: 'nsenter', apt: 'util-linux', onRunnerImage: true },
  { command: 'mount', apt: 'mount', onRunnerImage: true },
  { command: 'jq', apt: 'jq', onRunnerImage: true },
  { command: 'gh', onRunnerImage: true },
];

/**
 * Commands every runner and every machine that runs the workspace has: the shell, Node and pnpm
 * (the setup action), git, and coreutils. The check of spawned commands accepts them unlisted.
 */
export const EVERYWHERE = new Set([
  'bash',
  'sh',
  'env',
  'node',
  'npm',
  'npx',
  'pnpm',
  'git',
  'id',
  'cat',
  'kill',
  'sleep',
  'true',
  'false',
  'tar',
  'gzip',
  'unzip',
  'zip',
  'curl',
  'sudo',
  'ls',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'chmod',
  'ln',
  'echo',
]);
