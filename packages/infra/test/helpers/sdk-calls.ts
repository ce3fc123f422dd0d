// Every AWS SDK call the release CLI's source makes, read from the source itself: a new call
// appears here (and then needs an IAM mapping) without anyone updating a list.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The SDK client packages the release CLI may use, and their IAM service prefixes. */
export const CLIENT_SERVICE_PREFIXES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-cloudformation': 'cloudformation',
  '@aws-sdk/client-codedeploy': 'codedeploy',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sts': 'sts',
};

/** One API operation as `<service prefix>:<Operation>`, e.g. `codedeploy:CreateDeployment`, and where it is called. */
export interface SdkCall {
  readonly operation: string;
  readonly files: readonly string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Names imported from each @aws-sdk package in a file: `{ CreateDeploymentCommand: '@aws-sdk/client-codedeploy' }`. */
function sdkImports(text: string): Map<string, string> {
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g)) {
    for (const raw of m[1]!.split(',')) {
      const name = raw
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name !== '') imports.set(name, m[2]!);
    }
  }
  return imports;
}

/**
 * `new XxxCommand(`, `paginateXxx(` and `waitUntilXxx(` in every source file under `dirs`, each
 * resolved to its client package through the file's imports. Throws on a call whose client is
 * unknown, and when nothing is found (a moved directory must not turn the test into a no-op).
 */
export function findSdkCalls(dirs: readonly string[], root: string): SdkCall[] {
  const calls = new Map<string, Set<string>>();
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      const imports = sdkImports(text);
      const found = [
        ...[...text.matchAll(/new\s+([A-Z]\w*)Command\s*\(/g)].map((m) => ({
          name: `${m[1]}Command`,
          operation: m[1]!,
        })),
        ...[...text.matchAll(/\bpaginate([A-Z]\w*)\s*\(/g)].map((m) => ({ name: `paginate${m[1]}`, operation: m[1]! })),
        ...[...text.matchAll(/\bwaitUntil([A-Z]\w*)\s*\(/g)].map((m) => ({
          name: `waitUntil${m[1]}`,
          operation: m[1]!,
        })),
      ];
      for (const { name, operation } of found) {
        const pkg = imports.get(name);
        const prefix = pkg === undefined ? undefined : CLIENT_SERVICE_PREFIXES[pkg];
        if (prefix === undefined) {
          throw new Error(
            `${relative(root, file)} calls ${name} from ${pkg ?? 'an unknown module'}; add its client to CLIENT_SERVICE_PREFIXES and its IAM mapping to the policy simulation`,
          );
        }
        const key = `${prefix}:${operation}`;
        calls.set(key, (calls.get(key) ?? new Set()).add(relative(root, file)));
      }
    }
  }
  if (calls.size === 0)
    throw new Error(
      `no AWS SDK calls found under ${dirs.join(', ')}: has the release CLI moved? Point RELEASE_CLI_SOURCE_DIRS at it`,
    );
  return [...calls]
    .map(([operation, files]) => ({ operation, files: [...files].sort() }))
    .sort((a, b) => a.operation.localeCompare(b.operation));
}
