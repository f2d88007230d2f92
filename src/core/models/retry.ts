import { setTimeout as sleep } from 'node:timers/promises';
import { abortError, isAbortError, ModelError } from './modelProvider';

export interface RetryPolicy {
  /** Attempts in all, the first one included (the seed: "retry_attempts=5: try up to 5 times"). */
  retryAttempts: number;
  /** Seconds before the first retry; doubled for each further one. */
  retryDelay: number;
}

/** Longest wait honoured from a server's retry-after, so one rate limit cannot stall a query for minutes. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Runs `attempt` until it succeeds, a non-retryable error occurs, or the policy's attempts are spent. As in
 * the seed, attempt 2 waits retryDelay, attempt 3 twice that, attempt 4 four times — or longer if the server
 * asked for it. Cancellation ends the wait.
 */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let n = 0; ; n++) {
    if (signal?.aborted) throw abortError(signal);
    try {
      return await attempt();
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) throw abortError(signal);
      const retryable = !(error instanceof ModelError) || error.retryable;
      if (!retryable || n + 1 >= policy.retryAttempts) throw error;
      const backoffMs = policy.retryDelay * 1000 * 2 ** n;
      const askedMs = error instanceof ModelError && error.retryAfterMs !== undefined
        ? Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
      await sleep(Math.max(backoffMs, askedMs), undefined, { signal }).catch(() => {
        throw abortError(signal);
      });
    }
  }
}
