// What every project rule gets: the file's parsed source and a way to report a finding.
import type { Finding } from './finding.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';

export type Json = Record<string, unknown>;

export const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface RuleContext {
  readonly source: YamlSource;
  report(rule: string, at: YamlPath, message: string): void;
}

/** A context that collects findings for one file. */
export function ruleContext(file: string, source: YamlSource, into: Finding[]): RuleContext {
  return {
    source,
    report: (rule, at, message) => into.push({ file, line: source.lineOf(at), rule, message }),
  };
}
