import type { RetrievalResult } from '../memorySystem';
import type { ScoredMemory, ScoreParts } from '../retrieval/types';
import { writeIfFree } from '../store/database';
import type { Database } from '../store/driver';
import { redactSecrets } from '../text/redact';

/** Receipts kept per workspace: the newest; older ones go as new ones come. */
export const MAX_RECEIPTS = 200;
/** A receipt that meets a busy database is tried again this often, for this long, without blocking anyone. */
const RETRY_MS = 250;
const GIVE_UP_MS = 15_000;

/** One memory a receipt names: enough to show it and to open it, as it was when it was used. */
export interface ReceiptItem {
  /** `code:12`, `mem:3`, `personal:2`. */
  id: string;
  kind: string;
  label: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  /** The workspace folder it came from, when several were searched. */
  folder?: string;
  score: number;
  parts: ScoreParts;
  reasoning: string;
}

/** What an answer (or an agent's search) was given, and what it cost. */
export interface Receipt {
  id: number;
  createdAt: number;
  /** `chat`, `agent` (VS Code's tools) or `mcp:<client>`. */
  origin: string;
  /** Chat: the conversation it belongs to (its first question), so receipts read as threads. */
  thread?: string;
  question: string;
  answer?: string;
  /** In the prompt (chat), or returned (a search). */
  used: ReceiptItem[];
  /** Found, but beyond the prompt's token budget. */
  leftOut: ReceiptItem[];
  model?: string;
  /** Model calls the question cost — scoring, and the answer when a model answered — and their prompts' tokens. */
  modelCalls: number;
  promptTokens: number;
  /** Scores served from the cache instead of a call. */
  cacheHits: number;
  retrievalMs: number;
}

export type NewReceipt = Omit<Receipt, 'id' | 'createdAt'> & { createdAt?: number };

interface Row {
  id: number;
  created_at: number;
  origin: string;
  thread: string | null;
  question: string;
  answer: string | null;
  used: string;
  left_out: string;
  model: string | null;
  model_calls: number;
  prompt_tokens: number;
  cache_hits: number;
  retrieval_ms: number;
}

/** A retrieved memory as a receipt names it. */
export function receiptItem(memory: ScoredMemory, folder?: string): ReceiptItem {
  const title = memory.metadata.title ?? memory.metadata.description ?? memory.metadata.name;
  return {
    id: memory.memoryId, kind: memory.kind, label: typeof title === 'string' && title ? title : memory.memoryId,
    file: memory.file, startLine: memory.startLine, endLine: memory.endLine, folder,
    score: memory.relevanceScore, parts: memory.scoreParts, reasoning: memory.reasoning,
  };
}

/** The costs of a retrieval, as a receipt keeps them. */
export function retrievalCosts(result: Pick<RetrievalResult, 'modelCalls' | 'promptTokens' | 'cacheHits'>, retrievalMs: number) {
  return { modelCalls: result.modelCalls, promptTokens: result.promptTokens, cacheHits: result.cacheHits, retrievalMs: Math.round(retrievalMs) };
}

/**
 * Receipts in the workspace database: written without ever delaying an answer (a busy database is tried again
 * later), secrets redacted, the newest MAX_RECEIPTS kept. Nothing here leaves the machine.
 */
export class ReceiptStore {
  private readonly s;

  constructor(private readonly db: Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insert: p(`INSERT INTO receipts (created_at, origin, thread, question, answer, used, left_out, model, model_calls,
                 prompt_tokens, cache_hits, retrieval_ms) VALUES (@createdAt, @origin, @thread, @question, @answer, @used,
                 @leftOut, @model, @modelCalls, @promptTokens, @cacheHits, @retrievalMs)`),
      trim: p(`DELETE FROM receipts WHERE id <= (SELECT id FROM receipts ORDER BY id DESC LIMIT 1 OFFSET ${MAX_RECEIPTS})`),
      get: p('SELECT * FROM receipts WHERE id = ?'),
      recent: p('SELECT * FROM receipts ORDER BY id DESC LIMIT ?'),
      matching: p(`SELECT * FROM receipts WHERE question LIKE @pattern ESCAPE '\\' OR answer LIKE @pattern ESCAPE '\\'
                   ORDER BY id DESC LIMIT @limit`),
      since: p('SELECT * FROM receipts WHERE created_at >= ? ORDER BY id'),
      clear: p('DELETE FROM receipts'),
      latest: p('SELECT coalesce(max(id), 0) FROM receipts').pluck(),
    };
  }

  /** Records a receipt now, or soon if another process is writing; resolves to its id (undefined: given up). */
  async add(receipt: NewReceipt): Promise<number | undefined> {
    const row = {
      createdAt: receipt.createdAt ?? Date.now(), origin: receipt.origin, thread: receipt.thread ? redactSecrets(receipt.thread) : null,
      question: redactSecrets(receipt.question), answer: receipt.answer === undefined ? null : redactSecrets(receipt.answer),
      used: JSON.stringify(receipt.used), leftOut: JSON.stringify(receipt.leftOut), model: receipt.model ?? null,
      modelCalls: receipt.modelCalls, promptTokens: receipt.promptTokens, cacheHits: receipt.cacheHits, retrievalMs: receipt.retrievalMs,
    };
    const deadline = Date.now() + GIVE_UP_MS;
    for (;;) {
      let id: number | undefined;
      const written = writeIfFree(this.db, () => {
        id = Number(this.s.insert.run(row).lastInsertRowid);
        this.s.trim.run();
      });
      if (written) return id;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  get(id: number): Receipt | undefined {
    const row = this.s.get.get(id) as Row | undefined;
    return row && toReceipt(row);
  }

  /** Newest first; `text`: only those whose question or answer contains it. */
  list(options: { text?: string; limit?: number } = {}): Receipt[] {
    const limit = options.limit ?? MAX_RECEIPTS;
    const text = options.text?.trim();
    const rows = text
      ? this.s.matching.all({ pattern: `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit })
      : this.s.recent.all(limit);
    return (rows as Row[]).map(toReceipt);
  }

  /** Oldest first, from a time on (the dashboard's days). */
  since(time: number): Receipt[] {
    return (this.s.since.all(time) as Row[]).map(toReceipt);
  }

  /** The newest receipt's id (0 for none): changes when any process adds one. */
  latest(): number {
    return Number(this.s.latest.get());
  }

  clear(): number {
    return Number(this.db.transaction(() => this.s.clear.run()).immediate().changes);
  }
}

function toReceipt(row: Row): Receipt {
  return {
    id: row.id, createdAt: row.created_at, origin: row.origin, thread: row.thread ?? undefined, question: row.question,
    answer: row.answer ?? undefined, used: JSON.parse(row.used) as ReceiptItem[], leftOut: JSON.parse(row.left_out) as ReceiptItem[],
    model: row.model ?? undefined, modelCalls: row.model_calls, promptTokens: row.prompt_tokens, cacheHits: row.cache_hits,
    retrievalMs: row.retrieval_ms,
  };
}
