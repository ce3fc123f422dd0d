// `watch`: follow any deployment (e.g. one started with --no-watch, or after a timeout) to its end.
import { openSession } from '../aws-session.ts';
import { UsageError } from '@hello/cli-kit/cli-error';
import type { Command } from '../command.ts';
import { parseDuration } from '../parse-values.ts';
import { DEFAULT_WATCH_TIMEOUT, watchDeployment } from '../watch-deployment.ts';

const DEPLOYMENT_ID = /^d-[A-Z0-9]{1,32}$/;

export const watchCommand: Command = {
  name: 'watch',
  summary: "Follow a deployment's hosts and lifecycle events until it ends",
  usage: 'watch <deployment-id> [--timeout 30m]',
  details: [
    "Polls the deployment with backoff and prints every host's lifecycle events as they change:",
    'a live table on a terminal; with CI=true plain lines, a ::group:: per host and a table in',
    "$GITHUB_STEP_SUMMARY. On failure prints the failing host, event, error code and the hook's",
    'log tail. Exit 0 succeeded, 1 failed or stopped, 3 still running when --timeout ran out.',
  ].join('\n'),
  examples: ['pnpm release watch d-ABCDEF123'],
  positional: '<deployment-id>',
  options: {
    timeout: {
      type: 'string',
      value: '<duration>',
      description: 'stop watching after this long (exit 3)',
      default: DEFAULT_WATCH_TIMEOUT,
    },
  },
  async run(args, deps) {
    const [id] = args.positionals;
    if (id === undefined)
      throw new UsageError('watch: the deployment id is required, e.g. pnpm release watch d-ABCDEF123');
    if (!DEPLOYMENT_ID.test(id))
      throw new UsageError(
        `watch: ${JSON.stringify(id)} is not a CodeDeploy deployment id; expected d- followed by capital letters and digits, e.g. d-ABCDEF123`,
      );
    const timeoutMs = parseDuration(String(args.values.timeout), '--timeout');
    const session = await openSession(deps);
    return watchDeployment(deps, session, { deploymentId: id, timeoutMs });
  },
};
