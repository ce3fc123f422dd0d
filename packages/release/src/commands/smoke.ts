// `smoke`: wait until the stage's public URL serves the expected version and its front page.
import { openSession } from '../aws-session.js';
import { CliError, EXIT, UsageError } from '../cli-error.js';
import { requireString, type Command } from '../command.js';
import { formatDuration, parseDuration, parseStage, parseVersion } from '../parse-values.js';
import { probeService } from '../probe-service.js';
import { stageEndpoint } from '../stage-endpoint.js';

const REQUEST_TIMEOUT_MS = 5000;
const INTERVAL_MS = 5000;

function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(value)} is not a URL; expected e.g. https://staging.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--url ${value}: expected an http:// or https:// URL`);
  return value;
}

export const smokeCommand: Command = {
  name: 'smoke',
  summary: "Check that a stage's public URL serves the version and its front page",
  usage: 'smoke --stage <stage> --version <sha> [--url <url>] [--timeout 5m]',
  details: [
    "Reads the stage's URL from its stack output (or --url), then polls <url>/version until it",
    'reports the version and <url>/ answers 200. Prints each change of state while it waits.',
    'Exit 0 when both hold, 1 when --timeout ran out (with the last state). With --url no AWS call',
    'is made, so it also checks a local server.',
  ].join('\n'),
  examples: [
    'pnpm release smoke --stage staging --version "$(git rev-parse HEAD)"',
    'pnpm release smoke --url https://localhost:8443 --version dev',
  ],
  options: {
    stage: { type: 'string', value: '<stage>', description: 'stage whose EndpointUrl output to check (not needed with --url)' },
    version: { type: 'string', value: '<sha>', description: 'version /version must report' },
    url: { type: 'string', value: '<url>', description: 'check this base URL instead of the stack output' },
    timeout: { type: 'string', value: '<duration>', description: 'give up after this long', default: '5m' },
  },
  async run(args, deps) {
    const version = parseVersion(requireString(this, args, 'version'));
    const timeoutMs = parseDuration(String(args.values.timeout), '--timeout');
    const given = args.values.url;
    let url: string;
    if (typeof given === 'string') url = checkUrl(given);
    else url = await stageEndpoint(await openSession(deps), parseStage(requireString(this, args, 'stage')));
    deps.stdout.write(`smoke test of ${url}: waiting up to ${formatDuration(timeoutMs)} for version ${version}\n`);
    const deadline = deps.now() + timeoutMs;
    let last = '';
    for (;;) {
      const probe = await probeService(deps.fetch, url, REQUEST_TIMEOUT_MS);
      if (probe.version === version && probe.rootStatus === 200) {
        deps.stdout.write(`smoke test passed: ${url} serves ${version} and / answers 200\n`);
        return EXIT.ok;
      }
      if (probe.summary !== last) deps.stdout.write(`  ${probe.summary}\n`);
      last = probe.summary;
      if (deps.now() >= deadline) {
        throw new CliError(`smoke test failed: after ${formatDuration(timeoutMs)} ${url} still does not serve ${version}: ${probe.summary}`);
      }
      await deps.sleep(Math.min(INTERVAL_MS, Math.max(0, deadline - deps.now())));
    }
  },
};
