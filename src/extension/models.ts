import * as vscode from 'vscode';
import { type CompletionOptions, isAbortError, ModelError, type ModelProvider } from '../core/models/modelProvider';
import { createProvider, type ProviderKind } from '../core/models/providers';
import { describeError } from './log';
import { type ModelSettings, modelSettings, type ProviderChoice, retrievalSettings, SECTION } from './settings';
import type { Workspaces } from './workspaces';

const KEY_PROVIDERS = ['openai', 'anthropic', 'openaiCompatible'] as const;
type KeyProvider = (typeof KEY_PROVIDERS)[number];
const PROVIDER_LABELS: Record<KeyProvider, string> = {
  openai: 'OpenAI', anthropic: 'Anthropic', openaiCompatible: 'OpenAI-compatible server',
};

/** Where a provider's API key lives: SecretStorage only, never settings. */
export function apiKeySecret(provider: KeyProvider): string {
  return `${SECTION}.apiKey.${provider}`;
}

/**
 * A VS Code language model (Copilot's or any provider's) as the engine's ModelProvider, so the scorer and the
 * prompt builder use its exact token counts and input limit.
 */
export class LanguageModelProvider implements ModelProvider {
  readonly name: string;
  readonly maxInputTokens: number;

  constructor(private readonly model: vscode.LanguageModelChat, private readonly justification: string) {
    this.name = `vscode:${model.vendor}/${model.id}`;
    this.maxInputTokens = model.maxInputTokens;
  }

  async complete(prompt: string, options: CompletionOptions = {}): Promise<string> {
    const cancellation = new vscode.CancellationTokenSource();
    const onAbort = () => cancellation.cancel();
    options.signal?.addEventListener('abort', onAbort);
    try {
      const response = await this.model.sendRequest(
        [vscode.LanguageModelChatMessage.User(prompt)], { justification: this.justification }, cancellation.token);
      let text = '';
      for await (const fragment of response.text) text += fragment;
      return text;
    } catch (error) {
      if (options.signal?.aborted || isAbortError(error)) throw error;
      // Permission, quota and missing-model errors do not improve with another attempt.
      const retryable = !(error instanceof vscode.LanguageModelError);
      throw new ModelError(`${this.model.name}: ${describeError(error)}`, retryable);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      cancellation.dispose();
    }
  }

  async countTokens(text: string): Promise<number> {
    return this.model.countTokens(text);
  }
}

/** The engine provider a setting asks for, with its key from SecretStorage; a one-line error when it cannot be built. */
export async function apiProvider(settings: ModelSettings, secrets: vscode.SecretStorage): Promise<ModelProvider> {
  const provider = settings.provider as Exclude<ProviderChoice, 'languageModel' | 'none'>;
  const kind: ProviderKind = provider === 'anthropic' ? 'anthropic' : 'openai';
  if (provider === 'openaiCompatible' && !/^https?:\/\/\S+$/.test(settings.baseUrl)) {
    throw new ModelError('an OpenAI-compatible server needs its base URL (http://…/v1) in the settings', false);
  }
  const apiKey = await secrets.get(apiKeySecret(provider));
  if (!apiKey && provider !== 'openaiCompatible') {
    throw new ModelError(`no API key for ${PROVIDER_LABELS[provider]}: run "Code Memory: Set API Key"`, false);
  }
  return createProvider({
    provider: kind, model: settings.model || undefined, apiKey,
    baseURL: provider === 'openaiCompatible' ? settings.baseUrl : undefined,
  });
}

/**
 * The small scoring model and the retrieval settings, kept in step with settings, secrets, trust and the
 * models VS Code offers. Without a usable model the ranking is lexical, and the log says why.
 */
export function registerModels(context: vscode.ExtensionContext, workspaces: Workspaces, log: vscode.LogOutputChannel): void {
  let warned = new Set<string>();
  const warn = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    log.warn(message);
    void vscode.window.showWarningMessage(`Code Memory: ${message}`);
  };

  /** The scoring model, or why there is none and how to have one. */
  const scoringModel = async (): Promise<{ model?: ModelProvider; note?: string }> => {
    const settings = modelSettings('scoringModel');
    if (!workspaces.trusted) return { note: 'the workspace is not trusted' };
    if (settings.provider === 'none') return { note: 'turned off: choose a provider in the setting codeMemory.scoringModel.provider' };
    if (settings.provider === 'languageModel') {
      const models = await vscode.lm.selectChatModels(settings.family ? { family: settings.family } : {});
      if (!models.length) {
        return { note: `VS Code offers no language model${settings.family ? ` of the family "${settings.family}"` : ''}: ` +
          'install a model provider (such as GitHub Copilot), change codeMemory.scoringModel.family, or choose another provider' };
      }
      return { model: new LanguageModelProvider(models[0], 'Code Memory scores which parts of your code base matter for your question.') };
    }
    try {
      return { model: await apiProvider(settings, context.secrets) };
    } catch (error) {
      warn(`scoring model not used: ${describeError(error)}`);
      return { note: describeError(error) };
    }
  };

  let generation = 0;
  const refresh = async () => {
    const mine = ++generation;
    const { model, note } = await scoringModel();
    if (mine !== generation) return; // a newer refresh overtook this one
    workspaces.setScoringModel(model, note);
    workspaces.setRetrievalSettings(retrievalSettings(warn));
    log.info(model ? `Scoring model: ${model.name}` : `No scoring model, so candidates are ranked by matching words and the call graph: ${note}`);
    workspaces.notify();
  };

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      warned = new Set();
      void refresh();
    }),
    vscode.lm.onDidChangeChatModels(() => void refresh()),
    context.secrets.onDidChange(() => void refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void refresh()),
    vscode.commands.registerCommand('codeMemory.setApiKey', (provider?: KeyProvider, key?: string) => setApiKey(context.secrets, provider, key)),
  );
  void refresh();
}

/** Asks which provider and the key (hidden input); arguments skip the questions (keybindings, automation). */
async function setApiKey(secrets: vscode.SecretStorage, provider?: KeyProvider, key?: string): Promise<boolean> {
  const chosen = provider ?? (await vscode.window.showQuickPick(
    KEY_PROVIDERS.map((id) => ({ label: PROVIDER_LABELS[id], id })), { title: 'Code Memory: Set API Key', placeHolder: 'Which provider is the key for?' },
  ))?.id;
  if (!chosen || !KEY_PROVIDERS.includes(chosen)) return false;
  const value = key ?? await vscode.window.showInputBox({
    title: `Code Memory: ${PROVIDER_LABELS[chosen]} API key`, password: true, ignoreFocusOut: true,
    prompt: 'Stored in VS Code\'s secret storage, never in settings. Leave empty to remove the key.',
  });
  if (value === undefined) return false;
  if (value.trim()) await secrets.store(apiKeySecret(chosen), value.trim());
  else await secrets.delete(apiKeySecret(chosen));
  void vscode.window.showInformationMessage(`Code Memory: ${PROVIDER_LABELS[chosen]} key ${value.trim() ? 'saved' : 'removed'}.`);
  return true;
}
