import * as vscode from 'vscode';
import { receiptItem } from '../../core/receipts/receiptStore';
import type { Workspaces } from '../workspaces';
import type { Found, FoundMemory } from './retrieve';

/** What an @memory answer was given, kept in the primary folder's database for the Answers view. */
export interface ChatReceipt {
  question: string;
  /** The conversation: its first question (the chat API gives no session id). */
  thread: string;
  answer?: string;
  used: readonly FoundMemory[];
  found: Found;
  model?: string;
  /** The answering prompt's tokens, when a model answered (one more call beside the scoring calls). */
  answerTokens?: number;
  retrievalMs: number;
}

/** The first question of the conversation a request belongs to. */
export function threadOf(request: vscode.ChatRequest, chatContext: vscode.ChatContext): string {
  const first = chatContext.history.find((turn): turn is vscode.ChatRequestTurn => turn instanceof vscode.ChatRequestTurn);
  return first?.prompt ?? request.prompt;
}

/** Records the receipt in the background: it never delays or fails the answer. */
export function recordReceipt(workspaces: Workspaces, receipt: ChatReceipt): void {
  const folder = workspaces.primaryFolder();
  if (!folder) return;
  const several = workspaces.folders().length > 1;
  const item = ({ folder: from, memory }: FoundMemory) => receiptItem(memory, several ? from.name : undefined);
  const used = new Set(receipt.used);
  try {
    void workspaces.system(folder).receipts.add({
      origin: 'chat', thread: receipt.thread, question: receipt.question, answer: receipt.answer, model: receipt.model,
      used: receipt.used.map(item), leftOut: receipt.found.memories.filter((m) => !used.has(m)).map(item),
      modelCalls: receipt.found.modelCalls + (receipt.answerTokens === undefined ? 0 : 1),
      promptTokens: receipt.found.promptTokens + (receipt.answerTokens ?? 0), cacheHits: receipt.found.cacheHits,
      retrievalMs: Math.round(receipt.retrievalMs),
    }).then(() => workspaces.notify(), () => undefined);
  } catch {
    // The index could not be opened: the answer stands without its receipt.
  }
}
