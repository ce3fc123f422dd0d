// Revisions with a fault in them, each made from the release zip (only the named files change):
// a server that crashes on one host only, a hook that hangs past its timeout, and an object
// changed after it was published.
import { parse, stringify } from 'yaml';
import { readRelease, releaseBytes, releaseText, repackRelease, serverEntry, withVersion } from '../release-zip.ts';

/**
 * The real server behind a wrapper that exits at start when it runs on `host` (its working
 * directory, `current` of that host's tree), so the revision passes ValidateService elsewhere.
 */
export function crashingOn(zip: Uint8Array, version: string, unitPath: string, host: string): Uint8Array {
  const entry = serverEntry(zip, unitPath);
  const slash = entry.lastIndexOf('/');
  const real = `${entry.slice(0, slash + 1)}rehearsal-real-${entry.slice(slash + 1)}`;
  const wrapper = [
    `// rehearsal: this revision's server exits at start on ${host} only`,
    `if ((process.cwd() + '/').includes('/hosts/${host}/')) {`,
    `  console.error('rehearsal: this revision crashes on ${host}');`,
    '  process.exit(1);',
    '}',
    `await import('./${real.slice(slash + 1)}');`,
    '',
  ].join('\n');
  return repackRelease(zip, version, { [entry]: releaseBytes(wrapper), [real]: readRelease(zip)[entry]! });
}

/** `event`'s script sleeps before it does anything, and the appspec gives it `timeoutSeconds`. */
export function hangingHook(zip: Uint8Array, version: string, event: string, timeoutSeconds: number): Uint8Array {
  const files = readRelease(zip);
  const appspec = parse(releaseText(files['appspec.yml']!)) as {
    hooks: Record<string, { location: string; timeout: number }[]>;
  };
  const script = appspec.hooks[event]?.[0];
  if (script === undefined) throw new Error(`the release's appspec has no ${event} hook`);
  script.timeout = timeoutSeconds;
  const [shebang, ...rest] = releaseText(files[script.location]!).split('\n');
  const hanging = [shebang, `sleep 3600 # rehearsal: ${event} hangs past its timeout`, ...rest].join('\n');
  return repackRelease(zip, version, {
    'appspec.yml': releaseBytes(stringify(appspec)),
    [script.location]: releaseBytes(hanging),
  });
}

/** A release of `version` whose server file changed after release.json recorded its sha256. */
export function tampered(zip: Uint8Array, version: string, unitPath: string): Uint8Array {
  const published = withVersion(zip, version);
  const entry = serverEntry(published, unitPath);
  const changed = `${releaseText(readRelease(published)[entry]!)}\n// changed after it was published\n`;
  return repackRelease(published, version, { [entry]: releaseBytes(changed) }, { verified: false });
}
