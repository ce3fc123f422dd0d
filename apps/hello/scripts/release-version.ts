// Which version a build gets and which time it records: explicit choices first, then git.
// Reproducible builds take the time from the commit (or SOURCE_DATE_EPOCH), never the clock.
import { RELEASE_VERSION_PATTERN } from '@hello/config/naming';

/** Runs git with the given arguments and returns its trimmed stdout (throws if git fails). */
export type Git = (args: readonly string[]) => string;

export interface VersionSources {
  /** `--version` on the command line. */
  readonly flag?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly git: Git;
}

export interface ResolvedVersion {
  readonly version: string;
  readonly builtAt: Date;
  /** Where the version came from, for the packager's output. */
  readonly source: '--version' | 'RELEASE_VERSION' | 'git HEAD';
}

function tryGit(git: Git, args: readonly string[]): string | undefined {
  try {
    return git(args);
  } catch {
    return undefined;
  }
}

export function resolveReleaseVersion({ flag, env, git }: VersionSources): ResolvedVersion {
  const fromEnv = env.RELEASE_VERSION === '' ? undefined : env.RELEASE_VERSION;
  const source = flag !== undefined ? '--version' : fromEnv !== undefined ? 'RELEASE_VERSION' : 'git HEAD';
  const version = flag ?? fromEnv ?? tryGit(git, ['rev-parse', 'HEAD']);
  if (version === undefined) {
    throw new Error(
      'no release version: pass --version <v>, set RELEASE_VERSION, or run inside a git checkout (the version is then the commit sha)',
    );
  }
  if (!RELEASE_VERSION_PATTERN.test(version)) {
    throw new Error(
      `release version ${JSON.stringify(version)} (from ${source}) is not allowed; expected 1-64 letters, digits, '.', '_' or '-' (a git sha)`,
    );
  }

  const epoch = env.SOURCE_DATE_EPOCH;
  let builtAt: Date;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d{1,12}$/.test(epoch))
      throw new Error(`SOURCE_DATE_EPOCH=${JSON.stringify(epoch)} is not allowed; expected whole seconds since 1970`);
    builtAt = new Date(Number(epoch) * 1000);
  } else {
    const commitTime = tryGit(git, ['log', '-1', '--format=%cI']);
    if (commitTime === undefined || commitTime === '') {
      throw new Error(
        'no build time: set SOURCE_DATE_EPOCH, or run inside a git checkout with a commit (its time is used)',
      );
    }
    builtAt = new Date(commitTime);
  }
  return { version, builtAt, source };
}
