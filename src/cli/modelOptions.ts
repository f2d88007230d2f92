import { ModelError, type ModelProvider } from '../core/models/modelProvider';
import { createProvider, DEFAULT_MODELS, type ProviderKind } from '../core/models/providers';
import { UsageError } from './args';

export const MODEL_OPTIONS = {
  'no-model': { type: 'boolean' },
  provider: { type: 'string' },
  model: { type: 'string' },
  'base-url': { type: 'string' },
} as const;

export const MODEL_HELP = `Scoring model (optional; without one, ranking uses matching words, calls and recency):
  --provider openai|anthropic   default: openai if OPENAI_API_KEY or --base-url is set, else anthropic if
                                ANTHROPIC_API_KEY is set, else none
  --model NAME                  default: ${DEFAULT_MODELS.openai} / ${DEFAULT_MODELS.anthropic} (or CODE_MEMORY_MODEL)
  --base-url URL                an OpenAI-compatible server such as Ollama (http://localhost:11434/v1);
                                also OPENAI_BASE_URL / ANTHROPIC_BASE_URL
  --no-model                    rank without a model even when a key is set
Keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY only, never from flags (they would stay in shell history).`;

type ModelFlags = { 'no-model'?: boolean; provider?: string; model?: string; 'base-url'?: string };

/** The scoring model the flags and environment ask for, or undefined for the zero-configuration path. */
export function scoringModelFrom(flags: ModelFlags, env: NodeJS.ProcessEnv = process.env): ModelProvider | undefined {
  if (flags['no-model']) return undefined;
  const asked = flags.provider ?? env.CODE_MEMORY_PROVIDER;
  if (asked !== undefined && asked !== 'openai' && asked !== 'anthropic') {
    throw new UsageError(`--provider must be openai or anthropic, got '${asked}'`);
  }
  const provider: ProviderKind | undefined = asked as ProviderKind | undefined
    ?? (env.OPENAI_API_KEY || flags['base-url'] || env.OPENAI_BASE_URL ? 'openai' : env.ANTHROPIC_API_KEY || env.ANTHROPIC_BASE_URL ? 'anthropic' : undefined);
  if (!provider) return undefined;
  const baseURL = flags['base-url'] ?? (provider === 'openai' ? env.OPENAI_BASE_URL : env.ANTHROPIC_BASE_URL);
  if (baseURL !== undefined && !/^https?:\/\/[^\s]+$/.test(baseURL)) throw new UsageError(`--base-url must be an http(s) URL, got '${baseURL}'`);
  try {
    return createProvider({
      provider, baseURL, model: flags.model ?? env.CODE_MEMORY_MODEL,
      apiKey: provider === 'openai' ? env.OPENAI_API_KEY : env.ANTHROPIC_API_KEY,
    });
  } catch (error) {
    if (error instanceof ModelError) throw new UsageError(error.message);
    throw error;
  }
}
