// `smoke`: wait until the stage's public URL serves the expected version and its front page.
import { resolve } from 'node:path';
import { openSession } from '../aws-session.ts';
import { CliError, EXIT, UsageError } from '@hello/cli-kit/cli-error';
import { requireString, type Command } from '../command.ts';
import { httpGetTrusting, type HttpGet } from '../http-get.ts';
import { isLoopbackUrl } from '../local-certificate.ts';
import { formatDuration, parseDuration, parseStage, parseVersion } from '../parse-values.ts';
import { probeService } from '../probe-service.ts';
import { stageEndpoint } from '../stage-endpoint.ts';
import type { ReleaseDeps } from '../release-deps.ts';

const REQUEST_TIMEOUT_MS = 5000;
const INTERVAL_MS = 5000;

function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(value)} is not a URL; expected e.g. https://staging.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`--url ${value}: expected an http:// or https:// URL`);
  return value;
}

/** Certificate errors Node reports for a server it does not trust (node:tls / OpenSSL codes). */
const UNTRUSTED = /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED/;

/**
 * The GET to probe with: --ca adds that PEM file's authorities; a loopback https URL trusts
 * `pnpm start`'s certificate of this checkout (a note says so); anything else uses fetch as is.
 */
async function chooseGet(deps: ReleaseDeps, url: string, caFile: string | undefined): Promise<HttpGet> {
  if (caFile !== undefined) {
    let pem: string;
    try {
      pem = (await deps.readFile(caFile)).toString('utf8');
    } catch (error) {
      throw new UsageError(
        `--ca ${caFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); expected a PEM certificate file`,
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      throw new UsageError(`--ca ${caFile}: not a PEM certificate (no -----BEGIN CERTIFICATE----- line)`);
    return httpGetTrusting([pem]);
  }
  if (url.startsWith('https:') && isLoopbackUrl(url) && deps.localCertificate !== undefined) {
    deps.stderr.write(
      `note: trusting the local development certificate ${deps.localCertificate} for ${new URL(url).host}\n`,
    );
    return httpGetTrusting([(await deps.readFile(deps.localCertificate)).toString('utf8')]);
  }
  return deps.fetch;
}

export const smokeCommand: Command = {
  name: 'smoke',
  summary: "Check that a stage's public URL serves the version and its front page",
  usage: 'smoke --stage <stage> --version <sha> [--url <url> [--ca <file>]] [--timeout 5m]',
  details: [
    "Reads the stage's URL from its stack output (or --url), then polls <url>/version until it",
    'reports the version and <url>/ answers 200. Prints each change of state while it waits.',
    'Exit 0 when both hold, 1 when --timeout ran out (with the last state). With --url no AWS call',
    'is made, so it also checks a local server: an https://localhost URL trusts the certificate',
    '`pnpm start` made (apps/hello/.certs/cert.pem), from any directory; --ca trusts another.',
  ].join('\n'),
  examples: [
    'pnpm release smoke --stage staging --version "$(git rev-parse HEAD)"',
    'pnpm release smoke --url https://localhost:8443 --version dev',
  ],
  options: {
    stage: {
      type: 'string',
      value: '<stage>',
      description: 'stage whose EndpointUrl output to check (not needed with --url)',
    },
    version: { type: 'string', value: '<sha>', description: 'version /version must report' },
    url: { type: 'string', value: '<url>', description: 'check this base URL instead of the stack output' },
    ca: { type: 'string', value: '<file>', description: 'also trust the CA certificate(s) in this PEM file' },
    timeout: { type: 'string', value: '<duration>', description: 'give up after this long', default: '5m' },
  },
  async run(args, deps) {
    const version = parseVersion(requireString(this, args, 'version'));
    const timeoutMs = parseDuration(String(args.values.timeout), '--timeout');
    const given = args.values.url;
    let url: string;
    if (typeof given === 'string') url = checkUrl(given);
    else url = await stageEndpoint(await openSession(deps), parseStage(requireString(this, args, 'stage')));
    const caFile = typeof args.values.ca === 'string' ? resolve(deps.cwd, args.values.ca) : undefined;
    const get = await chooseGet(deps, url, caFile);
    deps.stdout.write(`smoke test of ${url}: waiting up to ${formatDuration(timeoutMs)} for version ${version}\n`);
    const deadline = deps.now() + timeoutMs;
    let last = '';
    for (;;) {
      const probe = await probeService(get, url, REQUEST_TIMEOUT_MS);
      if (probe.version === version && probe.rootStatus === 200) {
        deps.stdout.write(`smoke test passed: ${url} serves ${version} and / answers 200\n`);
        return EXIT.ok;
      }
      if (probe.summary !== last) deps.stdout.write(`  ${probe.summary}\n`);
      last = probe.summary;
      if (deps.now() >= deadline) {
        const hint = UNTRUSTED.test(probe.summary)
          ? ` (the server's certificate is not trusted: pass --ca <its cert.pem>)`
          : '';
        throw new CliError(
          `smoke test failed: after ${formatDuration(timeoutMs)} ${url} still does not serve ${version}: ${probe.summary}${hint}`,
        );
      }
      await deps.sleep(Math.min(INTERVAL_MS, Math.max(0, deadline - deps.now())));
    }
  },
};
