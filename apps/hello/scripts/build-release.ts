// Builds the release zip: bundled code, deploy files and release.json with the sha256 of every
// file, zipped reproducibly to artifacts/<service>-<version>.zip.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_MAJOR, SERVICE_NAME } from '@hello/config/constants';
import { RELEASE_VERSION_PATTERN } from '@hello/config/naming';
import { BUNDLE_TARGET, bundleHostTool, bundleServer } from './bundle-code.ts';
import { bundleTextFiles } from './bundle-text-files.ts';
import { MANIFEST_FILE, sha256, type ReleaseManifest } from '../host/release-manifest.ts';
import { zipFiles, type ZipEntry } from './zip-files.ts';

export interface BuildReleaseOptions {
  /** The service's package directory (apps/hello). */
  readonly appDir: string;
  readonly version: string;
  /** Recorded in release.json and as every entry's mtime: the commit's time, not the clock's. */
  readonly builtAt: Date;
  /** Where the zip goes (`pnpm package`: `<appDir>/artifacts`). */
  readonly outDir: string;
  /**
   * The server entry, relative to appDir. The rehearsal passes a deliberately broken one.
   * @default 'src/server.ts'
   */
  readonly serverEntry?: string;
  /**
   * The host tool's entry, relative to appDir: tests and the rehearsal pass one whose project
   * names settings and secrets in SSM.
   * @default the shipped host tool (host/host-tool.ts with packages/config's project)
   */
  readonly hostToolEntry?: string;
}

export interface BuiltRelease {
  readonly zipPath: string;
  readonly size: number;
  readonly sha256: string;
  readonly manifest: ReleaseManifest;
}

/** The zip's file name, which the workflows and the release CLI rely on. */
export const zipName = (version: string): string => `${SERVICE_NAME}-${version}.zip`;

export async function buildRelease(o: BuildReleaseOptions): Promise<BuiltRelease> {
  if (!RELEASE_VERSION_PATTERN.test(o.version)) {
    throw new Error(
      `release version ${JSON.stringify(o.version)} is not allowed; expected 1-64 letters, digits, '.', '_' or '-' (a git sha)`,
    );
  }
  if (Number.isNaN(o.builtAt.getTime())) throw new Error('build time is not a valid date');
  const encoder = new TextEncoder();
  const [server, hostTool] = await Promise.all([
    bundleServer(o.appDir, o.serverEntry ?? 'src/server.ts'),
    bundleHostTool(o.appDir, o.hostToolEntry),
  ]);
  const entries: ZipEntry[] = [
    ...[...server, ...hostTool].map((f) => ({ path: f.path, data: f.data, mode: 0o644 as const })),
    ...bundleTextFiles(join(o.appDir, 'deploy')).map((f) => ({
      path: f.path,
      data: encoder.encode(f.text),
      mode: f.executable ? (0o755 as const) : (0o644 as const),
    })),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));

  const manifest: ReleaseManifest = {
    name: SERVICE_NAME,
    version: o.version,
    builtAt: o.builtAt.toISOString(),
    node: { build: process.version, target: BUNDLE_TARGET, hostMajor: NODE_MAJOR },
    files: Object.fromEntries(entries.map((e) => [e.path, sha256(e.data)])),
  };
  entries.push({ path: MANIFEST_FILE, data: encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`), mode: 0o644 });

  const zip = zipFiles(entries, o.builtAt);
  mkdirSync(o.outDir, { recursive: true });
  const zipPath = join(o.outDir, zipName(o.version));
  // Written aside and renamed: a reader never sees half a zip.
  const partial = `${zipPath}.${process.pid}.partial`;
  writeFileSync(partial, zip);
  renameSync(partial, zipPath);
  return { zipPath, size: zip.byteLength, sha256: sha256(zip), manifest };
}
