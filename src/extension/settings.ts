import * as vscode from 'vscode';
import type { RetrievalConfig } from '../core/retrieval/types';
import { CODE_DEFAULTS, mergeConfig } from '../core/retrieval/types';

export type ProviderChoice = 'languageModel' | 'openai' | 'openaiCompatible' | 'anthropic' | 'none';

export interface ModelSettings {
  provider: ProviderChoice;
  /** VS Code language-model family (scoring only). */
  family: string;
  model: string;
  baseUrl: string;
}

export interface IndexSettings {
  exclude: string[];
  maxFileBytes: number;
}

export const SECTION = 'codeMemory';
const BYTES_PER_KB = 1024;


/** Settings that change what the index holds: changing them re-walks the workspace. */
export const INDEX_SETTINGS = ['exclude', 'maxFileSizeKB'].map((key) => `${SECTION}.${key}`);

export function indexSettings(folder: vscode.WorkspaceFolder): IndexSettings {
  const config = vscode.workspace.getConfiguration(SECTION, folder.uri);
  return {
    exclude: config.get<string[]>('exclude', []).filter((glob) => typeof glob === 'string' && glob.trim()),
    maxFileBytes: Math.round(config.get<number>('maxFileSizeKB', 1024) * BYTES_PER_KB),
  };
}

export function modelSettings(role: 'scoringModel' | 'chatModel'): ModelSettings {
  const config = vscode.workspace.getConfiguration(`${SECTION}.${role}`);
  return {
    provider: config.get<ProviderChoice>('provider', 'languageModel'),
    family: config.get<string>('family', '').trim(),
    model: config.get<string>('model', '').trim(),
    baseUrl: config.get<string>('baseUrl', '').trim(),
  };
}

export interface RetrievalSettings {
  /** For the engine. Its threshold is the user's, or 0 when left automatic (see modelThreshold). */
  config: RetrievalConfig;
  /**
   * The threshold for scores the small model gave. Lexical scores (no model, or a model that failed) measure
   * word coverage, not usefulness, so by default any match of theirs is worth showing.
   */
  modelThreshold: number;
}

/**
 * The engine's retrieval settings from `codeMemory.*`. A value out of range is reported and replaced by its
 * default, so one typo in settings.json does not switch the whole feature off.
 */
export function retrievalSettings(warn: (message: string) => void): RetrievalSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const threshold = config.get<number | null>('relevanceThreshold', null);
  const wanted: Partial<RetrievalConfig> = {
    relevanceThreshold: threshold ?? 0,
    maxMemories: config.get('maxMemories'),
    candidateCount: config.get('candidateCount'),
    batchSize: config.get('batchSize'),
    enableCaching: config.get('enableCaching'),
    enableDependencyBoost: config.get('dependencyBoost.enabled'),
    dependencyBoostAmount: config.get('dependencyBoost.amount'),
    enableRecencyBoost: config.get('recencyBoost.enabled'),
    recencyBoostAmount: config.get('recencyBoost.amount'),
    recencyDays: config.get('recencyDays'),
    retryAttempts: config.get('retryAttempts'),
    retryDelay: config.get('retryDelay'),
  };
  let settings: RetrievalConfig = { ...CODE_DEFAULTS };
  for (const [key, value] of Object.entries(wanted)) {
    if (value === undefined) continue;
    try {
      settings = mergeConfig(settings, { [key]: value });
    } catch (error) {
      warn(`Setting ignored: ${(error as Error).message}`);
    }
  }
  return { config: settings, modelThreshold: threshold === null ? CODE_DEFAULTS.relevanceThreshold : settings.relevanceThreshold };
}
