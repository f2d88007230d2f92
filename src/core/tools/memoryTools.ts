import Ajv from 'ajv';
import type { MemoryService } from '../memories/memoryService';
import { type SearchOptions, type SearchResult, searchWorkspaces } from '../memories/search';
import type { CodeContext } from '../retrieval/types';
import { MEMORY_KIND_NAMES, MEMORY_KINDS } from '../memories/model';
import { receiptItem } from '../receipts/receiptStore';
import { redactSecrets } from '../text/redact';
import { describeSchemaError } from '../text/schemaErrors';
import { InputError } from '../workspaceIndex';
import { describeSearch, describeStored, describeView } from './toolText';

/**
 * The memory tools agents call — the same definitions for VS Code's language model tools and the MCP server:
 * a name, a description written for a model (when to call it, what comes back), a JSON input schema, and what
 * running it does through the memory service. Results are text with ids, paths and line ranges.
 */
export interface MemoryTool {
  name: string;
  /** A short name for people (tool pickers, confirmations), and what it does in one line. */
  title: string;
  summary: string;
  /** How a chat prompt names it: `#memorySearch`. */
  reference: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** Writes or deletes: front ends ask the user first. */
  writes: boolean;
  run(target: ToolTarget, input: Record<string, unknown>, source: string, signal?: AbortSignal): Promise<string>;
}

/**
 * What a tool works on: the workspace that writes go to (with the personal memories), and — in a window of
 * several folders — every folder, which search covers.
 */
export interface ToolTarget {
  primary: MemoryService;
  folders?: readonly { name: string; service: MemoryService }[];
  /** The user's profile (profile/README.md); undefined where the user turned it off. */
  profile?: () => string;
}

const kindList = MEMORY_KIND_NAMES.map((k) => `${k} (${MEMORY_KINDS[k].description})`).join('; ');
const tags = { type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20, description: 'Short labels, e.g. ["billing", "rounding"].' };
const citations = {
  type: 'array', maxItems: 20,
  description: 'Code the memory is about: {"file": "src/auth.py", "startLine": 10, "endLine": 24} (lines optional) or {"entity": "Parser.parse"}.',
  items: {
    type: 'object', additionalProperties: false,
    properties: {
      file: { type: 'string', minLength: 1 }, entity: { type: 'string', minLength: 1 },
      startLine: { type: 'integer', minimum: 1 }, endLine: { type: 'integer', minimum: 1 },
    },
    anyOf: [{ required: ['file'] }, { required: ['entity'] }],
  },
};
const id = { type: 'string', pattern: '^(mem|personal):\\d+$', description: 'A memory id as returned by the other tools: mem:12 or personal:3.' };
const kind = { type: 'string', enum: MEMORY_KIND_NAMES };
const folder = { type: 'string', description: 'In a window of several folders: the folder the memory belongs to, as codeMemory_search names it.' };

export const MEMORY_TOOLS: readonly MemoryTool[] = [
  {
    name: 'codeMemory_search', title: 'Search code memory', reference: 'memorySearch', writes: false,
    summary: 'Find code and memories (notes, decisions, past fixes, preferences) relevant to a question.',
    description: 'Search this workspace\'s code and its long-term memory (project knowledge, past debugging sessions, decisions, ' +
      'the user\'s preferences) with a question in plain words. Call it before answering questions about this code base, ' +
      'before changing unfamiliar code, and when an error appears (pass it as errors: a past fix may be found). Returns ' +
      'the most relevant code units (path and line range, with the code) and memories (id, kind, text), best first.',
    inputSchema: {
      type: 'object', additionalProperties: false, required: ['query'],
      properties: {
        query: { type: 'string', minLength: 1, description: 'What you want to know, in words: behaviour, not only names.' },
        currentFile: { type: 'string', description: 'The file being worked on (workspace-relative or absolute): nearby code ranks higher.' },
        errors: { type: 'string', description: 'An error message or stack trace the question is about.' },
        recentChanges: { type: 'string', description: 'A recent diff, to find the code it touches.' },
        accessedFiles: { type: 'array', items: { type: 'string' }, maxItems: 20, description: 'Files recently opened.' },
        kinds: { type: 'array', items: { type: 'string', enum: ['code', ...MEMORY_KIND_NAMES] }, description: 'Only these kinds.' },
        tags: { type: 'array', items: { type: 'string' }, description: 'Only memories with all of these tags.' },
        limit: { type: 'integer', minimum: 1, maximum: 50, description: 'At most this many results (default 15).' },
      },
    },
    async run(target, input, source, signal) {
      const { query, kinds, tags: wanted, limit, ...context } = input as { query: string; kinds?: never[]; tags?: string[]; limit?: number };
      const found = await searchFolders(target, { ...context, userQuery: query }, { kinds, tags: wanted, limit, signal });
      // The receipt: what the agent was given. Best effort: it never delays or fails the search.
      target.primary.workspace.receipts.add({
        origin: source, question: query, used: found.results.map((r) => receiptItem(r, r.folder)), leftOut: [], ...found.costs,
      }).catch(() => undefined);
      return describeSearch(found);
    },
  },
  {
    name: 'codeMemory_store', title: 'Store a memory', reference: 'memoryStore', writes: true,
    summary: 'Remember a decision, fact, fix or preference for later conversations.',
    description: 'Store something worth remembering beyond this conversation: a decision, a fact about the project, how a ' +
      'problem was solved, a preference the user stated. Cite the code it is about. Returns the new id, or the id of the ' +
      `same memory if it was already stored, and similar memories (update one of those instead when it says the same). Kinds: ${kindList}.`,
    inputSchema: {
      type: 'object', additionalProperties: false, required: ['content'],
      properties: {
        content: { type: 'string', minLength: 1, maxLength: 20000, description: 'The memory, self-contained: it will be read without this conversation.' },
        title: { type: 'string', maxLength: 200, description: 'A short title (default: the first line).' },
        kind: { ...kind, description: 'What sort of memory (default note).' },
        tags, citations,
        scope: { type: 'string', enum: ['workspace', 'personal'], description: 'personal: about the user, in every workspace (default for user_preference); workspace: this project.' },
      },
    },
    async run({ primary: service }, input, source) {
      return describeStored(service.store({ ...(input as { content: string }), source }), 'Stored');
    },
  },
  {
    name: 'codeMemory_get', title: 'Read a memory', reference: 'memoryGet', writes: false,
    summary: 'Read one memory in full by its id.',
    description: 'Read one memory in full by its id (from codeMemory_search or codeMemory_store): kind, title, text, tags, cited code, source, dates, use count.',
    inputSchema: { type: 'object', additionalProperties: false, required: ['id'], properties: { id, folder } },
    async run(target, input) {
      const memory = holderOf(target, input.id as string, input.folder as string | undefined).get(input.id as string);
      return memory ? describeView(memory) : `There is no memory ${input.id as string}.`;
    },
  },
  {
    name: 'codeMemory_update', title: 'Update a memory', reference: 'memoryUpdate', writes: true,
    summary: 'Correct or complete a memory.',
    description: 'Change a memory that is out of date or incomplete, instead of storing a second one that says something else. ' +
      'Give the id and only the fields to change; tags and citations replace the old lists. Returns the memory as it now is.',
    inputSchema: {
      type: 'object', additionalProperties: false, required: ['id'],
      properties: { id, folder, title: { type: 'string', maxLength: 200 }, content: { type: 'string', minLength: 1, maxLength: 20000 }, kind, tags, citations },
    },
    async run(target, input) {
      const { id: memoryId, folder: folderName, ...changes } = input as { id: string; folder?: string };
      const updated = holderOf(target, memoryId, folderName).update(memoryId, changes);
      return updated ? describeStored({ memory: updated.memory, created: true, similar: updated.similar }, 'Updated') : `There is no memory ${memoryId}.`;
    },
  },
  {
    name: 'codeMemory_delete', title: 'Delete a memory', reference: 'memoryDelete', writes: true,
    summary: 'Forget a memory that is wrong or no longer true.',
    description: 'Delete a memory that is wrong or no longer true. Code cannot be deleted this way (it follows the files).',
    inputSchema: { type: 'object', additionalProperties: false, required: ['id'], properties: { id, folder } },
    async run(target, input) {
      const outcome = holderOf(target, input.id as string, input.folder as string | undefined).delete(input.id as string);
      return outcome.status === 'deleted' ? `Deleted ${outcome.memory.id}: ${outcome.memory.title}` : `There is no memory ${input.id as string}.`;
    },
  },
  {
    name: 'codeMemory_recordDebugSession', title: 'Record a debugging session', reference: 'memoryRecordDebugSession', writes: true,
    summary: 'Keep how a problem was fixed, so the fix is found when the error comes back.',
    description: 'Record a debugging session once a problem is fixed: what went wrong, the error message, what fixed it, the file ' +
      'and optionally the diff. When the same error appears again, codeMemory_search finds this fix.',
    inputSchema: {
      type: 'object', additionalProperties: false, required: ['problem', 'solution'],
      properties: {
        problem: { type: 'string', minLength: 1, maxLength: 2000, description: 'What went wrong, as the user saw it.' },
        error: { type: 'string', maxLength: 5000, description: 'The error message or failing output.' },
        solution: { type: 'string', minLength: 1, maxLength: 5000, description: 'What fixed it, and why it works.' },
        file: { type: 'string', description: 'The file that was fixed (workspace-relative or absolute).' },
        diff: { type: 'string', maxLength: 10000, description: 'The change that fixed it.' },
        tags, citations,
      },
    },
    async run({ primary: service }, input, source) {
      return describeStored(service.recordDebugSession({ ...(input as { problem: string; solution: string }), source }), 'Recorded');
    },
  },
  {
    name: 'codeMemory_profile', title: 'Read the user profile', reference: 'memoryProfile', writes: false,
    summary: 'Read the profile of the user: role, languages and tools, current projects, preferences.',
    description: 'Read the profile Code Memory keeps of the user — role, languages and tools, current projects, how they like to ' +
      'work — learned from their conversations and edited by them. Call it once at the start of a task to fit answers and code ' +
      'to the user. Preferences about this project are memories: find them with codeMemory_search.',
    inputSchema: { type: 'object', additionalProperties: false, properties: {} },
    async run({ profile }) {
      if (!profile) return 'The user turned the profile off.';
      return redactSecrets(profile().trim()) || 'The user has no profile yet.';
    },
  },
];

const ajv = new Ajv({ allErrors: false });
const validators = new Map(MEMORY_TOOLS.map((tool) => [tool.name, ajv.compile(tool.inputSchema)]));

/**
 * The service holding a memory: the folder named, else the only folder that has the id, else the primary one.
 * Folders number their memories apart, so an id two folders hold is refused rather than guessed.
 */
export function holderOf(target: ToolTarget, id: string, folderName?: string): MemoryService {
  const folders = target.folders ?? [];
  if (folderName !== undefined) {
    const named = folders.find((f) => f.name === folderName);
    if (named) return named.service;
    throw new InputError(`there is no folder ${folderName}${folders.length ? ` (the folders are ${folders.map((f) => f.name).join(', ')})` : ''}`);
  }
  if (folders.length < 2 || id.startsWith('personal:')) return target.primary;
  const holders = folders.filter((f) => f.service.get(id));
  if (holders.length > 1) throw new InputError(`${id} exists in ${holders.map((h) => h.name).join(' and ')}: say which with folder`);
  return holders[0]?.service ?? target.primary;
}

/** One folder's search, or every folder's merged by score (each labelled), the personal memories once. */
function searchFolders(target: ToolTarget, context: CodeContext, options: SearchOptions): Promise<SearchResult> {
  const folders = target.folders ?? [];
  if (folders.length < 2) return target.primary.search(context, options);
  return searchWorkspaces(folders.map(({ name, service }) => ({ name, workspace: service.workspace })), target.primary.personalSystem(), context, options);
}

/** A tool as package.json contributes it to VS Code (`contributes.languageModelTools`); a test keeps them equal. */
export function toolContribution(tool: MemoryTool) {
  return {
    name: tool.name, displayName: tool.title, toolReferenceName: tool.reference, canBeReferencedInPrompt: true,
    userDescription: tool.summary, modelDescription: tool.description, icon: '$(database)', tags: ['memory', 'code-memory'],
    when: 'isWorkspaceTrusted', inputSchema: tool.inputSchema,
  };
}

/**
 * Runs a tool by name after checking its input against the schema; bad input is an InputError naming the field,
 * and nothing is written.
 */
export async function runMemoryTool(target: ToolTarget, name: string, input: unknown, source: string, signal?: AbortSignal): Promise<string> {
  const tool = MEMORY_TOOLS.find((t) => t.name === name);
  if (!tool) throw new InputError(`no such tool: ${name}`);
  const validate = validators.get(name)!;
  if (!validate(input ?? {})) {
    throw new InputError(`invalid arguments for ${name}: ${describeSchemaError(validate.errors, 'input')}`);
  }
  return tool.run(target, input as Record<string, unknown>, source, signal);
}
