import * as vscode from 'vscode';
import { isAbortError, type ModelProvider } from '../../core/models/modelProvider';
import { type RetryPolicy, withRetries } from '../../core/models/retry';
import { approximateTokens, DEFAULT_INPUT_TOKENS } from '../../core/retrieval/prompt';

export interface ChatMessage {
  role: 'user' | 'assistant';
  text: string;
}

/** The model that answers in chat: the one picked in the chat view, or a provider from the settings. */
export interface AnswerModel {
  readonly name: string;
  readonly maxInputTokens: number;
  countTokens(text: string): Promise<number>;
  /** The answer as it arrives. */
  send(messages: ChatMessage[], token: vscode.CancellationToken): AsyncIterable<string>;
}

export function chatModelAnswerer(model: vscode.LanguageModelChat): AnswerModel {
  return {
    name: model.name,
    maxInputTokens: model.maxInputTokens,
    countTokens: async (text) => model.countTokens(text),
    async *send(messages, token) {
      const response = await model.sendRequest(messages.map((m) => m.role === 'user'
        ? vscode.LanguageModelChatMessage.User(m.text)
        : vscode.LanguageModelChatMessage.Assistant(m.text)), {}, token);
      yield* response.text;
    },
  };
}

/**
 * An engine provider (OpenAI, Anthropic, a compatible server) as an answerer. It completes a single prompt,
 * so the conversation is written out as one, and the answer arrives whole.
 */
export function providerAnswerer(provider: ModelProvider, retry: RetryPolicy): AnswerModel {
  return {
    name: provider.name,
    maxInputTokens: provider.maxInputTokens ?? DEFAULT_INPUT_TOKENS,
    countTokens: async (text) => (provider.countTokens ? provider.countTokens(text) : approximateTokens(text)),
    async *send(messages, token) {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        const prompt = messages.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${m.text}`).join('\n\n');
        yield await withRetries(() => provider.complete(prompt, { signal: controller.signal }), retry, controller.signal);
      } catch (error) {
        if (token.isCancellationRequested && isAbortError(error)) return;
        throw error;
      } finally {
        cancel.dispose();
      }
    },
  };
}
