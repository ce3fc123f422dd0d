// A place where a document disagrees with the code, and what to do about it.

export interface Finding {
  /** The document, relative to the repository root. */
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

export const formatFinding = (f: Finding): string => `${f.file}:${f.line}: [${f.rule}] ${f.message}`;
