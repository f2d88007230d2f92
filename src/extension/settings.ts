import * as vscode from 'vscode';
import type { RetrievalConfig } from '../core/retrieval/types';
import { MAX_UNIT_LINES, MIN_UNIT_LINES } from '../core/indexing/units';
import { DEFAULT_TEAM_NOTES_FOLDER, notesFolderOf } from '../core/memories/knowledgeFiles';
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
  /** Only when the user set it: otherwise the size the index was built with (by the CLI, say) is kept. */
  maxUnitLines?: number;
  /** Workspace-relative folder of team notes. */
  teamNotesFolder: string;
}

export const SECTION = 'codeMemory';
const BYTES_PER_KB = 1024;


/** Settings that change what the index holds: changing them re-walks the workspace. */
export const INDEX_SETTINGS = ['exclude', 'maxFileSizeKB', 'maxUnitLines', 'teamNotesFolder'].map((key) => `${SECTION}.${key}`);

export function indexSettings(folder: vscode.WorkspaceFolder): IndexSettings {
  const config = vscode.workspace.getConfiguration(SECTION, folder.uri);
  return {
    exclude: config.get<string[]>('exclude', []).filter((glob) => typeof glob === 'string' && glob.trim()),
    maxFileBytes: Math.round(config.get<number>('maxFileSizeKB', 1024) * BYTES_PER_KB),
    maxUnitLines: explicitUnitLines(config.inspect<number>('maxUnitLines')),
    teamNotesFolder: notesFolderOf(config.get<string>('teamNotesFolder')) ?? DEFAULT_TEAM_NOTES_FOLDER,
  };
}

/** The unit size the user chose at any level; out of range (a hand-edited settings.json) counts as not chosen. */
function explicitUnitLines(inspected: { globalValue?: number; workspaceValue?: number; workspaceFolderValue?: number } | undefined): number | undefined {
  const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_UNIT_LINES && value <= MAX_UNIT_LINES ? value : undefined;
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

/**
 * The engine's retrieval settings from `codeMemory.*`. A value out of range is reported and replaced by its
 * default, so one typo in settings.json does not switch the whole feature off.
 */
export function retrievalSettings(warn: (message: string) => void): RetrievalConfig {
  const config = vscode.workspace.getConfiguration(SECTION);
  const wanted: Partial<RetrievalConfig> = {
    // Empty: the engine's default for the scoring model's scores (lexical rankings have their own floors).
    relevanceThreshold: config.get<number | null>('relevanceThreshold', null) ?? undefined,
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
    scoringTimeout: config.get('scoringTimeout'),
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
  return settings;
}
