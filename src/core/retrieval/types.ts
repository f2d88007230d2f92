import type { MemoryKind } from '../store/memoryStore';

/** What the developer is doing: the question, and where they are. Only `userQuery` is required. */
export interface CodeContext {
  userQuery: string;
  /** Path of the file being worked on (absolute, or relative to the workspace). */
  currentFile?: string;
  recentChanges?: string;
  errors?: string;
  accessedFiles?: string[];
  additionalContext?: string;
}

/** Why a memory got its score: the base score and each boost, so a user can see the reasons. */
export interface ScoreParts {
  /** Where the base score came from: the small model, or the lexical scorer when there is none. */
  source: 'model' | 'lexical';
  base: number;
  dependencyBoost: number;
  recencyBoost: number;
  /** What was taken because the memory's cited code changed since it was written (absent when it did not). */
  stalePenalty?: number;
}

export interface ScoredMemory {
  /** `code:<entity id>` for code, `mem:<memory id>` for everything else. */
  memoryId: string;
  kind: 'code' | MemoryKind;
  /** What goes into a prompt: the code itself, or the memory's text. */
  text: string;
  /** Workspace-relative path and 1-based inclusive lines, where the memory has them. */
  file?: string;
  startLine?: number;
  endLine?: number;
  metadata: Record<string, unknown>;
  /** ISO 8601: when the code was indexed or the memory last changed. */
  timestamp: string;
  /** 0–1, boosts included, capped at 1. */
  relevanceScore: number;
  reasoning: string;
  scoreParts: ScoreParts;
}

export type { CompletionOptions, ModelProvider } from '../models/modelProvider';

/** Retrieval settings. Defaults and meanings follow the seed API (../shared/seeds/004). */
export interface RetrievalConfig {
  /** Minimum final score (0–1) of a memory the scoring model scored; lexical rankings use measured floors instead. */
  relevanceThreshold: number;
  maxMemories: number;
  /** Memories per scoring prompt. */
  batchSize: number;
  enableCaching: boolean;
  enableDependencyBoost: boolean;
  dependencyBoostAmount: number;
  enableRecencyBoost: boolean;
  recencyBoostAmount: number;
  /** A file or memory changed within this many days counts as recent. */
  recencyDays: number;
  /** Attempts per model call in all, the first included. */
  retryAttempts: number;
  /** Seconds before the first retry; doubles with every further attempt. */
  retryDelay: number;
  /** Candidates scored per query (the cap that keeps cost independent of the code base's size). */
  candidateCount: number;
  /**
   * Seconds a query may spend on model scoring in all, retries and waits included; past it the ranking falls
   * back to matching words (a server that never answers cannot hold a query).
   */
  scoringTimeout: number;
}

export const CODE_DEFAULTS: Readonly<RetrievalConfig> = Object.freeze({
  relevanceThreshold: 0.7,
  maxMemories: 15,
  batchSize: 10,
  enableCaching: true,
  enableDependencyBoost: true,
  dependencyBoostAmount: 0.15,
  enableRecencyBoost: true,
  recencyBoostAmount: 0.1,
  recencyDays: 7,
  retryAttempts: 3,
  retryDelay: 1.0,
  candidateCount: 40,
  scoringTimeout: 20,
});

/** The general memory system's defaults differ only in how many memories it returns. */
export const GENERAL_DEFAULTS: Readonly<RetrievalConfig> = Object.freeze({ ...CODE_DEFAULTS, maxMemories: 10 });

/** A setting the caller can fix: the message names it, its allowed range and the value given. */
export class ConfigError extends Error {}

type Rule = { kind: 'number'; min: number; max: number; integer?: boolean } | { kind: 'boolean' };
const RULES: Record<keyof RetrievalConfig, Rule> = {
  relevanceThreshold: { kind: 'number', min: 0, max: 1 },
  maxMemories: { kind: 'number', min: 1, max: 1000, integer: true },
  batchSize: { kind: 'number', min: 1, max: 100, integer: true },
  enableCaching: { kind: 'boolean' },
  enableDependencyBoost: { kind: 'boolean' },
  dependencyBoostAmount: { kind: 'number', min: 0, max: 1 },
  enableRecencyBoost: { kind: 'boolean' },
  recencyBoostAmount: { kind: 'number', min: 0, max: 1 },
  recencyDays: { kind: 'number', min: 0, max: 3650 },
  retryAttempts: { kind: 'number', min: 1, max: 10, integer: true },
  retryDelay: { kind: 'number', min: 0, max: 60 },
  candidateCount: { kind: 'number', min: 1, max: 500, integer: true },
  scoringTimeout: { kind: 'number', min: 1, max: 600 },
};

/** Checks every given setting and returns the merged configuration; unknown keys are errors too. */
export function mergeConfig(base: RetrievalConfig, changes: Partial<RetrievalConfig>): RetrievalConfig {
  for (const [key, value] of Object.entries(changes ?? {})) {
    const rule = RULES[key as keyof RetrievalConfig];
    if (!rule) throw new ConfigError(`unknown retrieval setting '${key}'`);
    if (rule.kind === 'boolean') {
      if (typeof value !== 'boolean') throw new ConfigError(`${key} must be true or false, got ${JSON.stringify(value)}`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < rule.min || value > rule.max ||
        (rule.integer && !Number.isInteger(value))) {
      const what = rule.integer ? 'a whole number' : 'a number';
      throw new ConfigError(`${key} must be ${what} from ${rule.min} to ${rule.max}, got ${JSON.stringify(value)}`);
    }
  }
  return { ...base, ...changes };
}
