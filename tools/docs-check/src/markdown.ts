// What a Markdown document quotes: inline code spans, the lines of fenced code blocks, and the
// prose around them, each with its line and the heading it stands under.

export interface Doc {
  /** Relative to the repository root, e.g. `docs/teardown.md`. */
  readonly path: string;
  readonly text: string;
}

export interface Quote {
  readonly doc: string;
  readonly line: number;
  readonly text: string;
  /** `span`: inline code; `block`: one line of a fenced code block. */
  readonly kind: 'span' | 'block';
  /** The nearest heading above, without its #s. */
  readonly section: string;
}

/** A paragraph (or list) outside code blocks, its lines joined with spaces. */
export interface ProseLine {
  readonly doc: string;
  /** Its first line. */
  readonly line: number;
  readonly text: string;
  readonly section: string;
}

export interface Parsed {
  readonly quotes: readonly Quote[];
  readonly prose: readonly ProseLine[];
}

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^#{1,6}\s+(.*?)\s*#*\s*$/;

export function parseDoc(doc: Doc): Parsed {
  const quotes: Quote[] = [];
  const prose: ProseLine[] = [];
  let section = '';
  let fence: string | undefined;
  let paragraph: ProseLine | undefined;
  const end = (): void => {
    if (paragraph !== undefined) prose.push(paragraph);
    paragraph = undefined;
  };
  doc.text.split('\n').forEach((text, i) => {
    const line = i + 1;
    const opens = FENCE.exec(text);
    if (fence !== undefined) {
      if (opens?.[1] === fence) fence = undefined;
      else quotes.push({ doc: doc.path, line, text, kind: 'block', section });
      return;
    }
    if (opens !== null) {
      end();
      fence = opens[1];
      return;
    }
    const heading = HEADING.exec(text);
    if (heading !== null || text.trim() === '') end();
    if (heading !== null) section = heading[1]!;
    else if (text.trim() !== '') {
      paragraph =
        paragraph === undefined
          ? { doc: doc.path, line, text, section }
          : { ...paragraph, text: `${paragraph.text} ${text.trim()}` };
    }
    for (const [, span] of text.matchAll(/`([^`]+)`/g))
      quotes.push({ doc: doc.path, line, text: span!, kind: 'span', section });
  });
  end();
  return { quotes, prose };
}

/** A document's quotes and prose, each line once. */
export function parseDocs(docs: readonly Doc[]): Parsed {
  const all = docs.map(parseDoc);
  return { quotes: all.flatMap((p) => p.quotes), prose: all.flatMap((p) => p.prose) };
}

/** The simple commands of a line of shell (split at && || ; | and parentheses), as words without quotes. */
export function commandsOf(text: string): string[][] {
  return text
    .split(/&&|\|\||;|\||\$\(|\(|\)/)
    .map((part) => (part.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2')))
    .map((words) => {
      let i = 0;
      while (
        i < words.length &&
        (/^[A-Za-z_]\w*=/.test(words[i]!) || ['sudo', '-E', 'env', 'exec', 'time'].includes(words[i]!))
      )
        i++;
      const end = words.findIndex((w, j) => j >= i && (w.startsWith('#') || w === '>' || w === '>>' || w === '2>&1'));
      return words.slice(i, end === -1 ? undefined : end);
    })
    .filter((words) => words.length > 0);
}

/** A word that stands for a value the reader fills in: `<sha>`, `…`, `...`, `infra:*`, `OWNER/REPO`. */
export const isPlaceholder = (word: string): boolean => /^[<[]|[…*]|^\.\.\.$|^[A-Z][A-Z_/]+$/.test(word);
