// Mutations of parsed workflows through the yaml package's Document API: each helper throws when
// what it should change is not there, so a mutation test cannot silently test nothing.
import { isSeq, type Document } from 'yaml';
import { isMap, type Json } from '../../src/rule-context.ts';
import type { SourceFile } from '../../src/workflow-file.ts';
import type { YamlPath } from '../../src/yaml-source.ts';

/** The files with the one whose path ends with `name` changed by `change`. */
export function editFile(files: readonly SourceFile[], name: string, change: (doc: Document) => void): SourceFile[] {
  const target = files.find((f) => f.path.endsWith(name));
  if (target === undefined) throw new Error(`edit: no file ${name}`);
  return files.map((f) => (f === target ? { ...f, source: f.source.edited(change) } : f));
}

/** The index of the one item of the list at `list` that matches. */
export function indexOf(doc: Document, list: YamlPath, match: (item: Json) => boolean): number {
  const items = (doc.getIn(list) as { toJSON?: () => unknown } | undefined)?.toJSON?.();
  const found = Array.isArray(items) ? items.flatMap((item, i) => (isMap(item) && match(item) ? [i] : [])) : [];
  if (found.length !== 1) throw new Error(`edit: ${found.length} items of ${list.join('.')} match`);
  return found[0]!;
}

/** The path of the one step of a job (or composite action) that matches. */
export function stepPath(doc: Document, steps: YamlPath, match: (step: Json) => boolean): YamlPath {
  return [...steps, indexOf(doc, steps, match)];
}

/** Inserts a step (or any item) into the list at `list`, before `index`. */
export function insert(doc: Document, list: YamlPath, index: number, value: unknown): void {
  const seq = doc.getIn(list, true);
  if (!isSeq(seq)) throw new Error(`edit: ${list.join('.')} is not a list`);
  seq.items.splice(index, 0, doc.createNode(value));
}

/** Replaces text in the string at path (a script, an expression). */
export function replaceIn(doc: Document, path: YamlPath, from: string | RegExp, to: string): void {
  const value = doc.getIn(path);
  if (typeof value !== 'string') throw new Error(`edit: ${path.join('.')} is not a string`);
  const changed = value.replace(from, to);
  if (changed === value) throw new Error(`edit: ${String(from)} is not in ${path.join('.')}`);
  doc.setIn(path, changed);
}

/** Removes the key (or item) at path. */
export function remove(doc: Document, path: YamlPath): void {
  if (!doc.hasIn(path)) throw new Error(`edit: nothing at ${path.join('.')}`);
  doc.deleteIn(path);
}

/** Sets the value at path, which must exist. */
export function replace(doc: Document, path: YamlPath, value: unknown): void {
  if (!doc.hasIn(path)) throw new Error(`edit: nothing at ${path.join('.')}`);
  doc.setIn(path, value);
}
