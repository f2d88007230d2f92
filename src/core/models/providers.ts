import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { redactSecrets } from '../text/redact';
import { abortError, type CompletionOptions, ModelError, type ModelProvider } from './modelProvider';

export type ProviderKind = 'openai' | 'anthropic';

export interface ProviderSettings {
  provider: ProviderKind;
  /** Model name as the API knows it; each provider has a small, cheap default. */
  model?: string;
  apiKey?: string;
  /**
   * Another server that speaks the same API: Ollama, LM Studio, vLLM (`http://localhost:11434/v1`). OpenAI's
   * includes `/v1`, Anthropic's does not. A local server needs no key.
   */
  baseURL?: string;
  /** Per call, answer included (streamed or not); a call that takes longer fails as a retryable timeout. */
  timeoutMs?: number;
  /** Read the answer as server-sent events instead of one JSON body. */
  stream?: boolean;
  maxInputTokens?: number;
}

export const DEFAULT_MODELS: Record<ProviderKind, string> = { openai: 'gpt-4o-mini', anthropic: 'claude-haiku-4-5' };
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_TOKENS = 1024;
/** Sent when a local server needs no key: the SDKs refuse to start without one. */
const NO_KEY = 'no-key';
/** Passed explicitly: left unset, the SDKs would read OPENAI_BASE_URL / ANTHROPIC_BASE_URL and send the key there. */
const OFFICIAL_URLS: Record<ProviderKind, string> = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' };

/**
 * A ModelProvider over an official SDK. The SDK's own retries are off: the caller's retry policy (the seed's
 * retryAttempts and retryDelay) is the only one, so attempts and waits are what the user configured.
 */
export function createProvider(settings: ProviderSettings): ModelProvider {
  const model = settings.model?.trim() || DEFAULT_MODELS[settings.provider];
  const apiKey = settings.apiKey || (settings.baseURL ? NO_KEY : undefined);
  if (!apiKey) {
    const variable = settings.provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
    throw new ModelError(`no API key for ${settings.provider}: set ${variable} or give a base URL of a local server`, false);
  }
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // No SDK timeout: ours covers the whole answer (see callWithin).
  const clientOptions = { apiKey, baseURL: settings.baseURL ?? OFFICIAL_URLS[settings.provider], maxRetries: 0 };
  const shown = settings.baseURL ? displayURL(settings.baseURL) : undefined;
  const where = shown ?? settings.provider;
  const name = `${settings.provider}:${model}${shown ? `@${shown}` : ''}`;
  const call = (signal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<string>) => callWithin(where, model, timeoutMs, signal, run);
  const base = { name, maxInputTokens: settings.maxInputTokens };
  if (settings.provider === 'openai') {
    const client = new OpenAI(clientOptions);
    // OpenAI's own API wants max_completion_tokens (its reasoning models refuse max_tokens); compatible
    // servers mostly know only max_tokens.
    const limitKey = settings.baseURL ? 'max_tokens' : 'max_completion_tokens';
    return {
      ...base,
      async complete(prompt: string, options: CompletionOptions = {}) {
        const request = {
          model, messages: [{ role: 'user' as const, content: prompt }], temperature: options.temperature,
          [limitKey]: options.maxTokens ?? DEFAULT_MAX_TOKENS,
        };
        return call(options.signal, async (signal) => {
          if (!settings.stream) {
            const answer = await client.chat.completions.create({ ...request, stream: false }, { signal });
            return answer.choices[0]?.message?.content ?? '';
          }
          let text = '';
          let events = 0;
          const stream = await client.chat.completions.create({ ...request, stream: true }, { signal });
          for await (const chunk of stream) {
            events++;
            text += chunk.choices[0]?.delta?.content ?? '';
          }
          return streamed(where, events, text);
        });
      },
    };
  }
  const client = new Anthropic(clientOptions);
  return {
    ...base,
    async complete(prompt: string, options: CompletionOptions = {}) {
      const request = {
        model, max_tokens: options.maxTokens ?? DEFAULT_MAX_TOKENS, temperature: options.temperature,
        messages: [{ role: 'user' as const, content: prompt }],
      };
      return call(options.signal, async (signal) => {
        if (!settings.stream) {
          const answer = await client.messages.create({ ...request, stream: false }, { signal });
          return answer.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
        }
        let text = '';
        let events = 0;
        const stream = await client.messages.create({ ...request, stream: true }, { signal });
        for await (const event of stream) {
          events++;
          if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
        }
        return streamed(where, events, text);
      });
    },
  };
}

/** A body that is not an event stream parses as no events at all: an error, not an empty answer. */
function streamed(where: string, events: number, text: string): string {
  if (!events) throw new ModelError(`${where} sent no streamed answer (no events: is it the API it was configured as?)`, true);
  return text;
}

type SdkError = Error & { status?: number; headers?: Headers; error?: unknown };

/**
 * Runs one SDK call under a deadline for the whole answer (the SDKs' own timeout stops counting once headers
 * arrive, so a stalled stream would hang) and turns failures into a ModelError with one clear line.
 */
async function callWithin(where: string, model: string, timeoutMs: number, signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<string>): Promise<string> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const stopped = () => {
    if (signal?.aborted) return abortError(signal);
    if (deadline.aborted) return new ModelError(`${where} did not answer in time`, true);
    return undefined;
  };
  let text: string;
  try {
    text = await run(signal ? AbortSignal.any([signal, deadline]) : deadline);
  } catch (error) {
    throw stopped() ?? describeFailure(error as SdkError, where, model);
  }
  // An aborted stream can end quietly, as if the answer were complete.
  const stop = stopped();
  if (stop) throw stop;
  return text;
}

/** A base URL as shown in names and messages: without credentials or query. */
function displayURL(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

function describeFailure(error: SdkError, where: string, model: string): Error {
  // Aborts and timeouts never get here: callWithin reports them from its own signals.
  if (error instanceof ModelError) return error;
  if (error instanceof OpenAI.APIConnectionError || error instanceof Anthropic.APIConnectionError) {
    return new ModelError(`cannot reach ${where}: ${causeOf(error)}`, true);
  }
  const status = error?.status;
  // A 200 whose body is not JSON: a proxy's error page, or a server that speaks another API.
  if (error instanceof SyntaxError) return new ModelError(`${where} sent a reply that is not the API's JSON (${oneLine(error.message)})`, true);
  // No status: the connection broke mid-answer (reset, stream cut): worth another attempt.
  if (typeof status !== 'number') return new ModelError(`${where}: the connection was cut during the answer: ${oneLine(error?.message ?? String(error))}`, true);
  const detail = serverMessage(error);
  const retryAfterMs = retryAfter(error.headers);
  if (status === 429) return new ModelError(`${where} is rate limiting requests (429)${detail}`, true, retryAfterMs);
  if (status >= 500 || status === 408 || status === 409) {
    return new ModelError(`${where} failed with a server error (${status})${detail}`, true, retryAfterMs);
  }
  if (status === 401 || status === 403) return new ModelError(`${where} refused the API key (${status})${detail}`, false);
  if (status === 404) return new ModelError(`${where} does not know model '${model}' (404)${detail}`, false);
  return new ModelError(`${where} rejected the request (${status})${detail}`, false);
}

function serverMessage(error: SdkError): string {
  const body = error.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' && message.trim() ? `: ${oneLine(message)}` : '';
}

/** What the operating system said, in words: fetch itself only says "fetch failed". */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running on that port?)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (offline?)',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'host unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
};

function causeOf(error: Error): string {
  let cause = (error as { cause?: { code?: string; message?: string; cause?: unknown } }).cause;
  // undici nests the system error one level further down.
  if (cause && !cause.code && cause.cause) cause = cause.cause as typeof cause;
  const code = cause?.code;
  return oneLine((code && NETWORK_ERRORS[code]) ?? code ?? cause?.message ?? error.message);
}

/** retry-after-ms (OpenAI, Anthropic) or retry-after in seconds or as a date. */
function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get?.('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && headers?.get?.('retry-after-ms')) return ms;
  const value = headers?.get?.('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Server messages can echo the request: keep them to one line, without keys. */
function oneLine(text: string): string {
  const line = redactSecrets(text).replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
