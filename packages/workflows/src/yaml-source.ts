// A parsed YAML document that still knows where each value came from, so findings can name a
// line, and that tests can change through the yaml package's Document API.
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  /** The parsed document; a changed clone of it makes a new source (sourceOf). */
  readonly doc: Document;
  /** The document as plain data (maps become objects). */
  readonly data: unknown;
  /** One-based line of the key (or list item) at path, or of its nearest ancestor that has one. */
  lineOf(path: YamlPath): number;
  /** The comment after the scalar at path (`uses: x@sha # v1.2.3` gives ` v1.2.3`). */
  commentOf(path: YamlPath): string | undefined;
  /** A source for a changed copy of the document (the mutation tests change workflows this way). */
  edited(change: (doc: Document) => void): YamlSource;
}

/** A source for doc, whose line positions lineCounter counted when the text was parsed. */
export function sourceOf(doc: Document, lineCounter: LineCounter): YamlSource {
  return {
    doc,
    data: doc.toJS(),
    lineOf(at) {
      let node: unknown = doc.contents;
      // Parsed nodes carry a range; a node a test added has none, and its parent's line is used.
      let offset = isNode(node) && node.range ? node.range[0] : 0;
      for (const segment of at) {
        let next: { start: unknown; value: unknown } | undefined;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
          if (pair) next = { start: pair.key, value: pair.value };
        } else if (isSeq(node) && typeof segment === 'number') {
          next = { start: node.items[segment], value: node.items[segment] };
        }
        if (next === undefined || !isNode(next.start) || next.start.range == null) break;
        offset = next.start.range[0];
        node = next.value;
      }
      return lineCounter.linePos(offset).line;
    },
    commentOf(at) {
      const node = doc.getIn(at, true);
      return isScalar(node) ? (node.comment ?? undefined) : undefined;
    },
    edited(change) {
      const copy = doc.clone();
      change(copy);
      return sourceOf(copy, lineCounter);
    },
  };
}

/** Parses text as YAML; throws with the parser's message (and line) when it is not valid YAML. */
export function parseYamlSource(text: string, path: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const [first] = doc.errors;
  if (first !== undefined) throw new Error(`${path}: not valid YAML: ${first.message}`);
  return sourceOf(doc, lineCounter);
}
