import { ModelError, type ModelProvider } from '../core/models/modelProvider';
import { createProvider, DEFAULT_MODELS, type ProviderKind } from '../core/models/providers';
import { UsageError } from './args';

export const MODEL_OPTIONS = {
  'no-model': { type: 'boolean' },
  provider: { type: 'string' },
  model: { type: 'string' },
  'base-url': { type: 'string' },
  'scoring-timeout': { type: 'string' },
} as const;

export const MODEL_HELP = `Scoring model (optional; without one, ranking uses matching words, calls and recency, and nothing
leaves this machine):
  --provider openai|anthropic   or CODE_MEMORY_PROVIDER; a key in the environment alone does not turn it on
  --model NAME                  default: ${DEFAULT_MODELS.openai} / ${DEFAULT_MODELS.anthropic} (or CODE_MEMORY_MODEL)
  --base-url URL                a server that speaks the provider's API, such as Ollama
                                (http://localhost:11434/v1); implies openai unless --provider says otherwise;
                                also OPENAI_BASE_URL / ANTHROPIC_BASE_URL
  --scoring-timeout SECONDS     longest a query spends on scoring, retries included (default 20); then
                                it ranks by matching words
  --no-model                    rank without a model even when one is configured
Keys come from the environment, never from flags (they would stay in shell history): OPENAI_API_KEY or
ANTHROPIC_API_KEY for the providers' own APIs; CODE_MEMORY_API_KEY for a --base-url server that needs one
(the providers' keys are never sent to another server).`;

type ModelFlags = { 'no-model'?: boolean; provider?: string; model?: string; 'base-url'?: string };

/** The scoring model the flags and environment ask for, or undefined for the zero-configuration path. */
export function scoringModelFrom(flags: ModelFlags, env: NodeJS.ProcessEnv = process.env): ModelProvider | undefined {
  if (flags['no-model']) return undefined;
  const asked = flags.provider ?? env.CODE_MEMORY_PROVIDER;
  if (asked !== undefined && asked !== 'openai' && asked !== 'anthropic') {
    throw new UsageError(`--provider must be openai or anthropic, got '${asked}'`);
  }
  const givenURL = flags['base-url'];
  const provider = (asked as ProviderKind | undefined) ?? (givenURL ? 'openai' : undefined);
  if (!provider) return undefined;
  const baseURL = givenURL ?? (provider === 'openai' ? env.OPENAI_BASE_URL : env.ANTHROPIC_BASE_URL) ?? undefined;
  if (baseURL !== undefined && !/^https?:\/\/\S+$/.test(baseURL)) throw new UsageError(`--base-url must be an http(s) URL, got '${baseURL}'`);
  const officialKey = provider === 'openai' ? env.OPENAI_API_KEY : env.ANTHROPIC_API_KEY;
  try {
    return createProvider({
      provider, baseURL, model: flags.model ?? env.CODE_MEMORY_MODEL,
      apiKey: baseURL ? env.CODE_MEMORY_API_KEY : officialKey,
    });
  } catch (error) {
    if (error instanceof ModelError) throw new UsageError(error.message);
    throw error;
  }
}
