// A parsed YAML file that still knows where each value came from, so findings can name a line.
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  /** The document as plain data (maps become objects). */
  readonly data: unknown;
  /** One-based line of the key (or list item) at path, or of its nearest ancestor that exists. */
  lineOf(path: YamlPath): number;
  /** The text of a one-based line, comments included. */
  lineText(line: number): string;
}

/** Parses text as YAML; throws with the parser's message (and line) when it is not valid YAML. */
export function parseYamlSource(text: string, path: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const [first] = doc.errors;
  if (first !== undefined) throw new Error(`${path}: not valid YAML: ${first.message}`);
  const lines = text.split('\n');
  return {
    data: doc.toJS(),
    lineOf(at) {
      let node: unknown = doc.contents;
      // Parsed nodes always carry a range; only a document without content has none.
      let offset = isNode(node) ? node.range![0] : 0;
      for (const segment of at) {
        let next: { start: unknown; value: unknown } | undefined;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
          if (pair) next = { start: pair.key, value: pair.value };
        } else if (isSeq(node) && typeof segment === 'number') {
          next = { start: node.items[segment], value: node.items[segment] };
        }
        if (next === undefined || !isNode(next.start)) break;
        offset = next.start.range![0];
        node = next.value;
      }
      return lineCounter.linePos(offset).line;
    },
    lineText: (line) => lines[line - 1] ?? '',
  };
}
