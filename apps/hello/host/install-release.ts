// Turns the revision CodeDeploy copied into the incoming directory into releases/<version>:
// only the files release.json lists, each checked against its sha256, renamed into place in one
// step. An intact existing copy is reused, which makes re-deploys and rollbacks fast.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { MANIFEST_FILE, readReleaseManifest, sha256 } from './release-manifest.ts';

/** Files of the release in `dir` whose content does not match release.json (missing ones too). */
export function releaseMismatches(dir: string): string[] {
  const manifest = readReleaseManifest(join(dir, MANIFEST_FILE));
  return Object.entries(manifest.files)
    .filter(([path, hash]) => !existsSync(join(dir, path)) || sha256(readFileSync(join(dir, path))) !== hash)
    .map(([path]) => path);
}

export function installRelease(incomingDir: string, releasesDir: string, version: string): string {
  const target = join(releasesDir, version);
  const manifest = readReleaseManifest(join(incomingDir, MANIFEST_FILE));
  if (manifest.version !== version) {
    throw new Error(`${incomingDir} holds release ${manifest.version}, but this deployment is ${version}`);
  }
  if (existsSync(target) && releaseMismatches(target).length === 0) {
    const now = new Date();
    utimesSync(target, now, now); // marks it as recently used for pruning
    return target;
  }
  const bad = releaseMismatches(incomingDir);
  if (bad.length > 0) throw new Error(`checksum mismatch in ${incomingDir} for: ${bad.join(', ')}`);

  const staging = join(releasesDir, `.${version}.${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  for (const path of [MANIFEST_FILE, ...Object.keys(manifest.files)]) {
    const to = join(staging, path);
    mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
    cpSync(join(incomingDir, path), to);
    chmodSync(to, statSync(join(incomingDir, path)).mode & 0o755);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return target;
}
