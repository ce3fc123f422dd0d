// A problem found in a workflow file, in one shape whichever checker found it.

export interface Finding {
  /** Path relative to the repository root, e.g. `.github/workflows/ci.yml`. */
  readonly file: string;
  /** One-based line, 0 when the problem concerns the whole file. */
  readonly line: number;
  /** `actionlint`, `workflow-parser`, or the id of a project rule such as `pinned-uses`. */
  readonly rule: string;
  readonly message: string;
}

/** `file:line: [rule] message`, the shape editors and GitHub's log turn into links. */
export const formatFinding = (f: Finding): string => `${f.file}:${f.line}: [${f.rule}] ${f.message}`;
