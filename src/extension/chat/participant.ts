import * as vscode from 'vscode';
import type { EditorState } from '../editorState';
import type { Indexer } from '../indexing';
import { describeError } from '../log';
import { apiProvider, LanguageModelProvider } from '../models';
import type { ProfileFeature } from '../profile';
import { modelSettings } from '../settings';
import type { Workspaces } from '../workspaces';
import { type AnswerModel, type ChatMessage, chatModelAnswerer, providerAnswerer } from './answerModel';
import { buildChatPrompt } from './chatPrompt';
import { chatQuestion } from './codeContext';
import { handleMemoryRequest } from './memoryRequests';
import { recordReceipt, threadOf } from './receipts';
import { citeAll, nothingFound, renderFixedBefore, renderMemories, renderStale, renderWarnings } from './render';
import { type Found, retrieveAll } from './retrieve';

export const PARTICIPANT_ID = 'code-memory.memory';
const MEMORY_COMMANDS = new Set(['remember', 'debug', 'doc', 'forget', 'stats', 'export', 'import', 'cleanup']);
/** Errors of a model that is not there or not allowed: the ranked memories are still worth showing. */
const UNAVAILABLE_CODES = new Set([vscode.LanguageModelError.NotFound().code, vscode.LanguageModelError.NoPermissions().code]);

const CONFIGURE_HINT = 'To get answers, pick a model in the chat view (GitHub Copilot or another model provider), or set ' +
  '`codeMemory.chatModel.provider` to OpenAI, Anthropic or an OpenAI-compatible server and run **Code Memory: Set API Key**.';

interface ChatMetadata {
  command: string;
  question?: string;
  /** The memories referenced, as `path:start-end` relative to their folder. */
  cited?: string[];
  /** No model answered: the ranked list was shown instead. */
  unanswered?: boolean;
  /** Memories the answer used whose cited code changed since they were written. */
  stale?: string[];
  /** A debugging session that fixed the error asked about. */
  fixedBefore?: string;
}

/**
 * `@memory`: retrieves the memories that matter for the question and where the user is, and answers with
 * them in the prompt, within the model's budget. Memory commands store notes without a model.
 */
export function registerChatParticipant(context: vscode.ExtensionContext, workspaces: Workspaces, editors: EditorState,
  indexer: Indexer, profile: ProfileFeature, log: vscode.LogOutputChannel): void {
  const handler: vscode.ChatRequestHandler = async (request, chatContext, stream, token) => {
    const command = request.command ?? 'answer';
    try {
      if (!workspaces.trusted) {
        stream.markdown('This workspace is not trusted, so Code Memory has not indexed it and calls no model. Trust the workspace to use `@memory`.');
        stream.button({ command: 'workbench.trust.manage', title: 'Manage Workspace Trust' });
        return { metadata: { command } };
      }
      if (!workspaces.folders().length) {
        stream.markdown('Open a folder first: Code Memory remembers a workspace.');
        return { metadata: { command } };
      }
      if (command === 'profile') {
        renderProfile(stream, profile);
        return { metadata: { command } };
      }
      if (MEMORY_COMMANDS.has(command)) {
        await handleMemoryRequest(command, request, stream, workspaces, (words) => retrieveAll(workspaces, { userQuery: words }, token));
        return { metadata: { command } };
      }
      if (!request.prompt.trim()) {
        stream.markdown(`Ask a question about this code base, for example \`@memory ${exampleQuestion(workspaces)}\``);
        return { metadata: { command } };
      }
      if (!workspaces.folders().some((folder) => workspaces.hasIndex(folder))) {
        void indexer.indexAll({ notify: true });
        stream.markdown('Code Memory is indexing this workspace for the first time. Ask again when the status bar shows the entity count.');
        return { metadata: { command } };
      }

      stream.progress('Searching memories…');
      const { context: codeContext, attachments } = await chatQuestion(request, workspaces, editors);
      const started = performance.now();
      const found = await retrieveAll(workspaces, codeContext, token, { withRecentChanges: true });
      const receipt = { question: codeContext.userQuery, thread: threadOf(request, chatContext), found, retrievalMs: performance.now() - started };
      log.info(`@memory ${command}: ${found.memories.length} memories of ${found.candidates} candidates, ${found.modelCalls} scoring calls, ${found.cacheHits} cached`);
      renderWarnings(stream, found);
      const metadata: ChatMetadata = { command, question: codeContext.userQuery };
      const fixedBefore = renderFixedBefore(stream, found, [codeContext.errors, codeContext.userQuery]);
      if (fixedBefore) metadata.fixedBefore = fixedBefore;
      if (command === 'search') {
        renderMemories(stream, found, workspaces.scoringModelName);
        metadata.cited = citeAll(stream, found.memories);
        recordReceipt(workspaces, { ...receipt, used: found.memories });
        return { metadata };
      }

      const answerer = await chooseAnswerer(request, context.secrets, workspaces);
      if ('unavailable' in answerer) {
        metadata.cited = showWithoutAnswer(stream, found, workspaces, answerer.unavailable);
        metadata.unanswered = true;
        recordReceipt(workspaces, { ...receipt, used: found.memories });
        return { metadata };
      }
      // Answered all the same: the model may know the answer; the user should know it is not from their code.
      if (!found.memories.length) stream.markdown(`> ${nothingFound(found)}\n\n`);
      stream.progress(`Answering with ${answerer.name}…`);
      const prompt = await buildChatPrompt(answerer, { ...codeContext, recentChanges: found.recentChanges }, found.memories, attachments,
        historyOf(chatContext), workspaces.folders().length > 1, profile.text());
      log.debug(`@memory prompt: ${prompt.included.length} of ${found.memories.length} memories fitted; history kept ${prompt.historyTurns.kept}, ` +
        `summarised ${prompt.historyTurns.summarised}, dropped ${prompt.historyTurns.dropped}`);
      metadata.cited = citeAll(stream, prompt.included);
      let answer = '';
      try {
        for await (const fragment of answerer.send(prompt.messages, token)) {
          stream.markdown(fragment);
          answer += fragment;
        }
        const stale = renderStale(stream, prompt.included);
        if (stale.length) metadata.stale = stale;
        // After the answer, in the background: what the user said about themselves goes into their profile.
        profile.learn(userTurns(chatContext, request), workspaces.scoringProvider ??
          new LanguageModelProvider(request.model, 'Code Memory keeps your profile (role, languages, preferences) up to date.'));
        recordReceipt(workspaces, { ...receipt, used: prompt.included, answer, model: answerer.name, answerTokens: prompt.tokens });
      } catch (error) {
        if (!(error instanceof vscode.LanguageModelError && UNAVAILABLE_CODES.has(error.code))) throw error;
        metadata.cited = showWithoutAnswer(stream, found, workspaces, describeError(error));
        metadata.unanswered = true;
        recordReceipt(workspaces, { ...receipt, used: found.memories });
      }
      return { metadata };
    } catch (error) {
      if (token.isCancellationRequested) return { metadata: { command } };
      log.error(`@memory ${command} failed: ${describeError(error)}`);
      return { errorDetails: { message: describeError(error) }, metadata: { command } };
    }
  };

  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
  participant.followupProvider = {
    provideFollowups(result) {
      const metadata = result.metadata as ChatMetadata | undefined;
      if (!metadata?.question || metadata.unanswered) return [];
      if (metadata.command === 'search') return [{ prompt: metadata.question, label: 'Answer with these memories' }];
      return [{ prompt: metadata.question, command: 'search', label: 'Show the ranked memories' }];
    },
  };
  context.subscriptions.push(participant);
}

async function chooseAnswerer(request: vscode.ChatRequest, secrets: vscode.SecretStorage, workspaces: Workspaces): Promise<AnswerModel | { unavailable: string }> {
  const settings = modelSettings('chatModel');
  if (settings.provider === 'none') return { unavailable: 'answers are off (`codeMemory.chatModel.provider` is `none`)' };
  if (settings.provider === 'languageModel') return chatModelAnswerer(request.model);
  try {
    const folder = workspaces.primaryFolder();
    return providerAnswerer(await apiProvider(settings, secrets), folder ? workspaces.system(folder).config : { retryAttempts: 1, retryDelay: 0 });
  } catch (error) {
    return { unavailable: describeError(error) };
  }
}

function showWithoutAnswer(stream: vscode.ChatResponseStream, found: Found, workspaces: Workspaces, why: string): string[] {
  stream.markdown(`No model answered (${why}). Here are the memories Code Memory found.\n\n`);
  renderMemories(stream, found, workspaces.scoringModelName);
  stream.markdown(`\n${CONFIGURE_HINT}`);
  stream.button({ command: 'workbench.action.openSettings', arguments: ['codeMemory.chatModel'], title: 'Open Settings' });
  return citeAll(stream, found.memories);
}

/**
 * The conversation so far as question and answer pairs, oldest first (only this participant's turns are given).
 * Memory commands, `/search` lists and turns no model answered are left out: they are tables and lists that
 * would fill the history budget without saying what was asked and answered.
 */
function historyOf(chatContext: vscode.ChatContext): ChatMessage[][] {
  const turns: ChatMessage[][] = [];
  let question: ChatMessage | undefined;
  for (const turn of chatContext.history) {
    if (turn instanceof vscode.ChatRequestTurn) {
      question = turn.command && (turn.command === 'search' || MEMORY_COMMANDS.has(turn.command))
        ? undefined : { role: 'user', text: turn.prompt };
    } else if (turn instanceof vscode.ChatResponseTurn && question) {
      const metadata = turn.result.metadata as ChatMetadata | undefined;
      const text = turn.response.map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : '')).join('');
      if (!metadata?.unanswered && !turn.result.errorDetails && text.trim()) turns.push([question, { role: 'assistant', text }]);
      question = undefined;
    }
  }
  return turns;
}

/** What the user typed to @memory in this conversation, oldest first, memory commands left out. */
function userTurns(chatContext: vscode.ChatContext, request: vscode.ChatRequest): string[] {
  const asked = chatContext.history.flatMap((turn) =>
    turn instanceof vscode.ChatRequestTurn && !(turn.command && MEMORY_COMMANDS.has(turn.command)) ? [turn.prompt] : []);
  return [...asked, request.prompt];
}

/** `/profile`: the profile as it is, whether it learns, and what can be done about it. */
function renderProfile(stream: vscode.ChatResponseStream, profile: ProfileFeature): void {
  const text = profile.text();
  if (text === undefined) {
    stream.markdown('The profile is off (`codeMemory.profile.enabled`): nothing about you is read or learned.');
    return;
  }
  const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  stream.markdown(text.trim() ? `Your profile (${profile.statusLine()}), given to every \`@memory\` answer and to agents:\n\n${fence}markdown\n${text.trim()}\n${fence}\n`
    : `Your profile is empty (${profile.statusLine()}): what you tell \`@memory\` about your role, languages, projects and preferences goes into it.\n`);
  stream.button({ command: 'codeMemory.profile.edit', title: 'Edit Profile' });
  const learning = profile.statusLine().startsWith('learning');
  stream.button({ command: learning ? 'codeMemory.profile.pause' : 'codeMemory.profile.resume', title: learning ? 'Pause Learning' : 'Resume Learning' });
  stream.button({ command: 'codeMemory.profile.undo', title: 'Undo Last Change' });
}

/** An example question about the open workspace: its most called function, else something any code base has. */
function exampleQuestion(workspaces: Workspaces): string {
  try {
    const called = workspaces.indexed().map(({ system }) => system.index.mostCalled()).find(Boolean);
    if (called) return `what does ${called.name} do, and who relies on it?`;
  } catch {
    // An index that cannot be read: the general example does.
  }
  return 'where does this code base start, and what happens next?';
}
