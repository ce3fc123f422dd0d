// Every stack the setup creates, what each one's resources are named, what it keeps after it is
// deleted, and which other stacks it needs while it exists: read from the synthesized cloud
// assembly (the app's stacks) and from the docs' `cdk bootstrap` commands (the bootstrap stacks).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandsOf, type Quote } from './markdown.ts';

export interface StackFacts {
  readonly name: string;
  readonly kind: 'app' | 'bootstrap';
  /** Names of what it creates; a name ending in `-` or `/` is a prefix (a bootstrap qualifier's). */
  readonly creates: readonly string[];
  /** Text naming what the stack's resources use while they exist (policy documents left out). */
  readonly uses: string;
  /** Fixed names of what survives its deletion: retained resources, its functions' log groups. */
  readonly retained: readonly string[];
  /** The template (app stacks), for the names check. */
  readonly template?: unknown;
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys whose values grant or trust: they name resources without needing them to exist. */
const POLICY_KEYS = new Set([
  'PolicyDocument',
  'AssumeRolePolicyDocument',
  'Policies',
  'KeyPolicy',
  'PolicyText',
  'RepositoryPolicyText',
  'Metadata',
  'Description',
]);
const RETAINED = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

function withoutPolicies(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPolicies);
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !POLICY_KEYS.has(k))
      .map(([k, v]) => [k, withoutPolicies(v)]),
  );
}

/** The resource's own name: the first string property whose key ends in `Name` (RoleName, BucketName, ...). */
function physicalName(properties: unknown): string | undefined {
  if (!isMap(properties)) return undefined;
  const entry = Object.entries(properties).find(([k, v]) => k.endsWith('Name') && typeof v === 'string');
  return entry?.[1] as string | undefined;
}

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

/** The app's stacks, read from a synthesized cloud assembly folder. */
export function appStacks(assemblyDir: string): StackFacts[] {
  const manifest = readJson(join(assemblyDir, 'manifest.json'));
  const artifacts = (isMap(manifest.artifacts) ? manifest.artifacts : {}) as Record<string, Json>;
  const assetBuckets = (id: string): string[] => {
    const file = (artifacts[`${id}.assets`]?.properties as Json | undefined)?.file;
    if (typeof file !== 'string') return [];
    const files = readJson(join(assemblyDir, file)).files as Record<
      string,
      { destinations: Record<string, { bucketName: string }> }
    >;
    return Object.values(files).flatMap((f) => Object.values(f.destinations).map((d) => d.bucketName));
  };
  return Object.entries(artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => {
      // A stack artifact always names its template.
      const properties = artifact.properties as Json;
      const template = readJson(join(assemblyDir, String(properties.templateFile)));
      const resources = Object.entries((template.Resources ?? {}) as Record<string, Json>);
      // Names of one word (a deployment group named after its stage) say too little to tell stacks apart.
      const names = resources
        .map(([, r]) => physicalName(r.Properties))
        .filter((n): n is string => n !== undefined && /[-/]/.test(n));
      const retained = resources.flatMap(([logicalId, r]) => {
        if (r.Type === 'AWS::Lambda::Function') {
          const own = physicalName(r.Properties);
          // Lambda creates /aws/lambda/<function> on the first call; CloudFormation names an unnamed function <stack>-<id>-<suffix>.
          return [`/aws/lambda/${own ?? `${id}-${logicalId}`}`];
        }
        const name = physicalName(r.Properties);
        return RETAINED.has(String(r.DeletionPolicy)) && name !== undefined ? [name] : [];
      });
      const buckets = assetBuckets(id);
      return {
        name: id,
        kind: 'app' as const,
        creates: names,
        uses: JSON.stringify([withoutPolicies(template.Resources), properties, buckets]),
        retained,
        template,
      };
    });
}

/** The bootstrap stacks the docs' `cdk bootstrap --toolkit-stack-name ... --qualifier ...` commands create. */
export function bootstrapStacks(quotes: readonly Quote[], assetBuckets: readonly string[]): StackFacts[] {
  const found = new Map<string, StackFacts>();
  // Commands in code blocks are what a reader runs; a span only names the command.
  for (const quote of quotes.filter((q) => q.kind === 'block')) {
    for (const words of commandsOf(quote.text)) {
      const at = words.indexOf('bootstrap');
      if (at < 1 || words[at - 1] !== 'cdk') continue;
      const value = (flag: string) => words[words.indexOf(flag) + 1];
      const name = words.includes('--toolkit-stack-name') ? value('--toolkit-stack-name') : 'CDKToolkit';
      const qualifier = words.includes('--qualifier') ? value('--qualifier') : 'hnb659fds';
      if (name === undefined || qualifier === undefined || found.has(name)) continue;
      const prefix = `cdk-${qualifier}-`;
      found.set(name, {
        name,
        kind: 'bootstrap',
        creates: [prefix, `/cdk-bootstrap/${qualifier}/`],
        uses: words.join(' '),
        // CDK's bootstrap template retains its asset bucket (StagingBucket: DeletionPolicy Retain).
        retained: assetBuckets.filter((b) => b.startsWith(prefix)),
      });
    }
  }
  return [...found.values()];
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `user`'s resources name something `used` creates (so `used` must outlive `user`). */
export function needs(user: StackFacts, used: StackFacts): boolean {
  if (user.name === used.name) return false;
  return used.creates.some((name) => {
    const prefix = name.endsWith('-') || name.endsWith('/');
    return new RegExp(`(?<![\\w-])${escape(name)}${prefix ? '' : '(?![\\w-])'}`).test(user.uses);
  });
}

/** Every app stack's asset buckets, for the bootstrap stacks that own them. */
export function assetBucketsOf(stacks: readonly StackFacts[]): string[] {
  return [...new Set(stacks.flatMap((s) => [...s.uses.matchAll(/cdk-[a-z0-9]+-assets-[\w-]+/g)].map((m) => m[0])))];
}
