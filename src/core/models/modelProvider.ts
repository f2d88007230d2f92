export interface CompletionOptions {
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

/** A language model: the small one scores memories, the primary one answers. */
export interface ModelProvider {
  /** Shown in messages and part of the score cache key: a different model gives different scores. */
  readonly name: string;
  complete(prompt: string, options?: CompletionOptions): Promise<string>;
  /** Exact token count where the provider has one; otherwise callers use an approximation. */
  countTokens?(text: string): number | Promise<number>;
  /** Largest prompt the model takes, in tokens. */
  readonly maxInputTokens?: number;
}

/**
 * A model call that failed, in one line a user can act on. `retryable` failures (rate limits, server errors,
 * timeouts, lost connections) are worth another attempt; the others (bad key, unknown model) are not.
 */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** How long the server asked us to wait before the next attempt, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

/** The error a cancelled operation rejects with, as fetch and the SDKs name it. */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error('cancelled');
  error.name = 'AbortError';
  return error;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
