// The release zip, the one thing the rehearsal takes from the service, and the revisions it
// derives from it. Only the artifact's own contract is read: release.json (the version and the
// sha256 of every other file, which AfterInstall verifies), hooks/host.env (the host values the
// packager rendered) and the unit's ExecStart (which file is the server).
import { createHash } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import { HOST_PATHS } from '@hello/config/constants';
import { RELEASE_VERSION_PATTERN } from '@hello/config/naming';

export const MANIFEST_FILE = 'release.json';
export const HOST_ENV_FILE = 'hooks/host.env';

export type ReleaseFiles = Record<string, Uint8Array>;

interface Manifest {
  readonly version: string;
  readonly files: Record<string, string>;
}

const text = (data: Uint8Array): string => new TextDecoder().decode(data);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Every file of the zip by path (directory entries dropped). */
export function readRelease(zip: Uint8Array): ReleaseFiles {
  const files: ReleaseFiles = {};
  for (const [path, data] of Object.entries(unzipSync(zip))) if (!path.endsWith('/')) files[path] = data;
  return files;
}

function manifestOf(files: ReleaseFiles): Manifest {
  const data = files[MANIFEST_FILE];
  if (data === undefined) throw new Error(`the zip has no ${MANIFEST_FILE}: not a release made by \`pnpm package\``);
  const m = JSON.parse(text(data)) as Partial<Manifest>;
  if (typeof m.version !== 'string' || typeof m.files !== 'object' || m.files === null)
    throw new Error(`${MANIFEST_FILE} has no version or no files`);
  return m as Manifest;
}

/** The version in the zip's release.json. */
export const releaseVersionOf = (zip: Uint8Array): string => manifestOf(readRelease(zip)).version;

/** KEY=value lines of the zip's hooks/host.env. */
export function hostValuesOf(zip: Uint8Array): Readonly<Record<string, string>> {
  const data = readRelease(zip)[HOST_ENV_FILE];
  if (data === undefined) throw new Error(`the zip has no ${HOST_ENV_FILE}`);
  const values: Record<string, string> = {};
  for (const line of text(data).split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) values[m[1]!] = m[2]!;
  }
  return values;
}

/** The release-relative path of the server file the unit's ExecStart runs from `current`. */
export function serverEntryOf(unit: string): string {
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
  const prefix = `${HOST_PATHS.current}/`;
  const entry = exec.split(/\s+/).find((word) => word.startsWith(prefix));
  if (entry === undefined) throw new Error(`the unit's ExecStart runs no file below ${prefix}: ${exec || '(none)'}`);
  return entry.slice(prefix.length);
}

/**
 * The release with `replaced` files and another version. release.json lists the new files'
 * sha256 unless `verified` is false: then it still names the old ones, as an object changed after
 * it was published would.
 */
export function repackRelease(
  zip: Uint8Array,
  version: string,
  replaced: ReleaseFiles = {},
  o: { verified?: boolean } = {},
): Uint8Array {
  if (!RELEASE_VERSION_PATTERN.test(version)) throw new Error(`version ${JSON.stringify(version)} is not allowed`);
  const files = readRelease(zip);
  const manifest = manifestOf(files);
  const out: ReleaseFiles = { ...files, ...replaced };
  const hashes = { ...manifest.files };
  if (o.verified !== false) for (const [path, data] of Object.entries(replaced)) hashes[path] = sha256(data);
  out[MANIFEST_FILE] = bytes(`${JSON.stringify({ ...manifest, version, files: hashes }, null, 2)}\n`);
  return zipSync(out);
}

/** The same release under another version: revision A, which B replaces. */
export const withVersion = (zip: Uint8Array, version: string): Uint8Array => repackRelease(zip, version);

/**
 * A release whose server exits at every start, with release.json updated to match, so that it
 * installs cleanly and fails where a bad build does: ValidateService.
 */
export function withBrokenServer(zip: Uint8Array, version: string, unitPath: string): Uint8Array {
  const broken =
    "console.error('rehearsal: this revision is broken on purpose; its server exits at start');\nprocess.exit(1);\n";
  return repackRelease(zip, version, { [serverEntry(zip, unitPath)]: bytes(broken) });
}

/** The release-relative path of the server file, from the zip's unit. */
export function serverEntry(zip: Uint8Array, unitPath: string): string {
  const unit = readRelease(zip)[unitPath];
  if (unit === undefined) throw new Error(`the zip has no ${unitPath}`);
  return serverEntryOf(text(unit));
}

export const releaseText = text;
export const releaseBytes = bytes;
