import MiniSearch from 'minisearch';
import { splitIdentifier } from '../../src/core/text/identifiers';

/** A ranked place in the code, as every system under test reports it (1-based inclusive lines). */
export interface Hit {
  file: string;
  start: number;
  end: number;
}

export const WINDOW_LINES = 40;
export const WINDOW_STRIDE = 20;

const TOKEN = /[\p{L}\p{N}_$]+/gu;
/** Plain English function words: what any BM25 setup leaves out. Nothing tuned on the benchmark. */
const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'its', 'of', 'on',
  'or', 'that', 'the', 'this', 'to', 'was', 'were', 'with',
]);

/** Identifiers kept whole and split into their words, as the product splits them. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const token of text.match(TOKEN) ?? []) {
    const lower = token.toLowerCase();
    out.push(lower);
    const parts = splitIdentifier(token);
    if (parts.length > 1 || (parts.length === 1 && parts[0] !== lower)) out.push(...parts);
  }
  return out;
}

interface Doc {
  id: string;
  file: string;
  start: number;
  end: number;
  text: string;
}

/**
 * BM25 (MiniSearch's, k1 = 1.2, b = 0.7) over documents cut from every indexed file: whole files, or 40-line
 * windows every 20 lines. Kept in step with the tree file by file, like the product's index.
 */
export class Bm25Baseline {
  private readonly index = new MiniSearch<Doc>({
    fields: ['text'],
    storeFields: ['file', 'start', 'end'],
    tokenize,
    processTerm: (term) => (STOPWORDS.has(term) ? null : term),
    autoVacuum: false,
  });
  private readonly docsOf = new Map<string, string[]>();

  constructor(readonly name: string, private readonly windows: boolean) {}

  setFile(file: string, text: string | undefined): void {
    for (const id of this.docsOf.get(file) ?? []) this.index.discard(id);
    this.docsOf.delete(file);
    if (text === undefined) return;
    const docs = this.cut(file, text);
    this.index.addAll(docs);
    this.docsOf.set(file, docs.map((d) => d.id));
  }

  search(query: string, limit: number): Hit[] {
    return this.index.search(query, { combineWith: 'OR' }).slice(0, limit)
      .map((r) => ({ file: r.file as string, start: r.start as number, end: r.end as number }));
  }

  private cut(file: string, text: string): Doc[] {
    const lines = text.split('\n');
    if (!this.windows) return [{ id: file, file, start: 1, end: lines.length, text }];
    const docs: Doc[] = [];
    for (let start = 0; start === 0 || start + WINDOW_LINES - WINDOW_STRIDE < lines.length; start += WINDOW_STRIDE) {
      const end = Math.min(lines.length, start + WINDOW_LINES);
      docs.push({ id: `${file}#${start + 1}`, file, start: start + 1, end, text: lines.slice(start, end).join('\n') });
    }
    return docs;
  }
}
