// release.json: what a release is (version, build time, Node versions) and the sha256 of every
// other file in it. The packager writes it; the hooks verify a revision against it on the host.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RELEASE_VERSION_PATTERN } from '@hello/config/naming';

export const MANIFEST_FILE = 'release.json';

export interface ReleaseManifest {
  readonly name: string;
  readonly version: string;
  /** ISO time of the commit (or SOURCE_DATE_EPOCH), not of the build: builds are reproducible. */
  readonly builtAt: string;
  readonly node: {
    /** Node that ran the build. */
    readonly build: string;
    /** esbuild's target for the bundled code. */
    readonly target: string;
    /** Node major the hosts run. */
    readonly hostMajor: number;
  };
  /** Path inside the release (forward slashes) -> sha256 hex, sorted by path. */
  readonly files: Readonly<Record<string, string>>;
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

const SAFE_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]+)*$/;
const HEX = /^[0-9a-f]{64}$/;

/** Parses and checks release.json text; every problem names the field and what is allowed. */
export function parseReleaseManifest(text: string, source = MANIFEST_FILE): ReleaseManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const m = data as Partial<ReleaseManifest> | null;
  const problems: string[] = [];
  if (typeof m?.version !== 'string' || !RELEASE_VERSION_PATTERN.test(m.version)) {
    problems.push(`version ${JSON.stringify(m?.version)}: expected 1-64 letters, digits, '.', '_' or '-'`);
  }
  const files = m?.files;
  if (files === null || typeof files !== 'object' || Object.keys(files).length === 0) {
    problems.push('files: expected an object of path -> sha256 with at least one file');
  } else {
    for (const [path, hash] of Object.entries(files)) {
      if (!SAFE_PATH.test(path) || path === MANIFEST_FILE)
        problems.push(`files: path ${JSON.stringify(path)} is not a relative path inside the release`);
      if (typeof hash !== 'string' || !HEX.test(hash))
        problems.push(`files["${path}"]: expected a lowercase sha256 hex digest, got ${JSON.stringify(hash)}`);
    }
  }
  if (problems.length > 0) throw new Error(`${source} is invalid:\n  - ${problems.join('\n  - ')}`);
  return m as ReleaseManifest;
}

export const readReleaseManifest = (file: string): ReleaseManifest =>
  parseReleaseManifest(readFileSync(file, 'utf8'), file);
