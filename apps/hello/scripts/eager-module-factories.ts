// The bundle's CommonJS module factories, wrapped in parentheses so V8 compiles them with the
// bundle instead of one by one as each module is first required. V8 compiles a parenthesized
// function eagerly (its "PIFE" heuristic), and Node's compile cache stores what was compiled with
// the script: with the hook-warmed cache a start then deserializes Fastify's and pino's module code
// instead of compiling it (~20 ms of a Node 24 cold start). esbuild offers no option for this, so
// the minified output is rewritten here, and its source map shifted to match.
import { SourceMap } from 'node:module';
import { parse, type Node } from 'acorn';
import { decode, encode } from '@jridgewell/sourcemap-codec';

interface Span {
  readonly start: number;
  readonly end: number;
}

type AnyNode = Node & Record<string, unknown>;

const isNode = (value: unknown): value is AnyNode =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

function walk(node: AnyNode, visit: (node: AnyNode) => void): void {
  visit(node);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit);
    } else if (isNode(value)) {
      walk(value, visit);
    }
  }
}

/**
 * esbuild's __commonJS helper, whatever the minifier named it: `(factory, mod) => () => (mod ||
 * factory((mod = { exports: {} }).exports, mod), mod.exports)` (the only helper that builds
 * `{ exports: {} }`).
 */
function commonJsHelper(code: string, program: AnyNode): string | undefined {
  let name: string | undefined;
  walk(program, (node) => {
    if (node.type !== 'VariableDeclarator') return;
    const { id, init } = node as unknown as { id: AnyNode & { name?: string }; init: AnyNode | null };
    if (init?.type !== 'ArrowFunctionExpression' || id.type !== 'Identifier') return;
    if (/\{\s*exports\s*:\s*\{\s*\}\s*\}/.test(code.slice(init.start, init.end))) name ??= id.name;
  });
  return name;
}

/** The factories passed to the helper (its first argument). */
function factorySpans(code: string): Span[] {
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as AnyNode;
  const helper = commonJsHelper(code, program);
  // The server always bundles CommonJS packages (Fastify, pino): none found means esbuild's output
  // changed shape, and the release would silently lose its eager factories.
  if (helper === undefined)
    throw new Error(
      "no CommonJS module factory in the bundle (esbuild's __commonJS helper, the arrow that builds { exports: {} }): scripts/eager-module-factories.ts no longer matches esbuild's output",
    );
  const spans: Span[] = [];
  walk(program, (node) => {
    if (node.type !== 'CallExpression') return;
    const { callee, arguments: args } = node as unknown as {
      callee: AnyNode & { name?: string };
      arguments: AnyNode[];
    };
    // esbuild always passes the factory, minified to an arrow function.
    const factory = args[0] as AnyNode;
    if (callee.type === 'Identifier' && callee.name === helper && factory.type === 'ArrowFunctionExpression') {
      spans.push({ start: factory.start, end: factory.end });
    }
  });
  return spans;
}

/** Line (0-based) and column of each offset, for offsets in ascending order. */
function positions(code: string, offsets: readonly number[]): [number, number][] {
  const result: [number, number][] = [];
  let line = 0;
  let lineStart = 0;
  let next = code.indexOf('\n');
  for (const offset of offsets) {
    while (next !== -1 && next < offset) {
      line++;
      lineStart = next + 1;
      next = code.indexOf('\n', lineStart);
    }
    result.push([line, offset - lineStart]);
  }
  return result;
}

export interface EagerResult {
  readonly code: string;
  readonly map: string;
  /** How many factories were wrapped. */
  readonly wrapped: number;
}

export interface EagerOptions {
  /**
   * Source paths (as the map names them) whose factories stay lazy: modules the service loads only
   * on demand would otherwise be compiled at every start where the cache misses (Node 20, a
   * first start after a Node update).
   * @default none
   */
  readonly keepLazy?: (source: string) => boolean;
}

/** Wraps each module factory in `(...)` and moves the source map's columns along. */
export function eagerModuleFactories(
  code: string,
  map: string,
  { keepLazy = () => false }: EagerOptions = {},
): EagerResult {
  const sourceMap = JSON.parse(map) as ConstructorParameters<typeof SourceMap>[0] & { mappings: string };
  // SourceMap copies the payload, so the mappings can be rewritten below.
  const sources = new SourceMap(sourceMap);
  const all = factorySpans(code);
  // esbuild maps a factory's first character to the start of the module it wraps.
  const starts = positions(
    code,
    all.map((span) => span.start),
  );
  const spans = all.filter((_, i) => {
    const entry = sources.findEntry(...starts[i]!) as { originalSource?: string };
    return !keepLazy(String(entry.originalSource));
  });
  // One character goes in at each factory's start and one at its end.
  const inserts = spans
    .flatMap(({ start, end }) => [
      { at: start, text: '(' },
      { at: end, text: ')' },
    ])
    .sort((a, b) => a.at - b.at);
  let out = '';
  let last = 0;
  for (const { at, text } of inserts) {
    out += code.slice(last, at) + text;
    last = at;
  }
  out += code.slice(last);
  const lines = decode(sourceMap.mappings);
  const byLine = new Map<number, number[]>();
  for (const [line, column] of positions(
    code,
    inserts.map((i) => i.at),
  ))
    byLine.set(line, [...(byLine.get(line) ?? []), column]);
  for (const [line, columns] of byLine) {
    for (const segment of lines[line]!) {
      // A segment that starts at or after an insertion moves right by one per insertion.
      segment[0] += columns.filter((column) => column <= segment[0]).length;
    }
  }
  sourceMap.mappings = encode(lines);
  return { code: out, map: JSON.stringify(sourceMap), wrapped: spans.length };
}
