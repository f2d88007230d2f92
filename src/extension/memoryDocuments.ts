import * as vscode from 'vscode';
import type { MemoryService } from '../core/memories/memoryService';
import { parseTeamNote, teamNoteText } from '../core/memories/teamNotes';
import type { FoundMemory } from './chat/retrieve';
import { describeError } from './log';
import type { Workspaces } from './workspaces';

/**
 * Memories as markdown files (front matter: title, kind, tags, cites — the team-note format — then the text):
 * chat references open them, the Code Memory view edits them, and saving writes through the memory service.
 * Memories of instruction files and team notes are read-only here: they change in their own file.
 */
const SCHEME = 'code-memory';

/** `code-memory:/folder/mem-3.md?<folder uri>`: readable in the tab title, exact in its query. */
export function memoryDocumentUri(folder: vscode.WorkspaceFolder, id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/${folder.name}/${id.replace(':', '-')}.md`, query: folder.uri.toString() });
}

export function foundMemoryUri(found: FoundMemory): vscode.Uri {
  return memoryDocumentUri(found.folder, found.memory.memoryId);
}

/** A new memory being written: its template until the first save, then the memory it became. */
interface Draft {
  folder: vscode.WorkspaceFolder;
  template: string;
  created: number;
  id?: string;
}

const DRAFT = /\/new-(\d+)\.md$/;

class MemoryFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly drafts = new Map<string, Draft>();
  /** The version of each memory an editor last read (its time of change). */
  private readonly seen = new Map<string, number>();
  private draftCount = 0;

  /** A new memory as an editor: saving stores it, later saves update it; closing unsaved drops it. */
  draft(folder: vscode.WorkspaceFolder, template: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${folder.name}/new-${++this.draftCount}.md`, query: folder.uri.toString() });
    this.drafts.set(uri.toString(), { folder, template, created: Date.now() });
    return uri;
  }

  constructor(private readonly workspaces: Workspaces) {}

  /**
   * Open memory documents whose memory changed since they were read (in any process) reload; the others are left
   * alone, so an editor is never reloaded under the user for nothing.
   */
  memoriesChanged(): void {
    const changed = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === SCHEME && !d.isDirty).flatMap((d) => {
      const key = d.uri.toString();
      let now: number | undefined;
      try {
        now = this.unsaved(d.uri) ? undefined : Date.parse(this.memory(d.uri).memory.updated);
      } catch {
        now = -1; // forgotten: reading it says so
      }
      if (now === undefined || this.seen.get(key) === now) return [];
      this.seen.set(key, now);
      return [{ type: vscode.FileChangeType.Changed, uri: d.uri }];
    });
    if (changed.length) this.changed.fire(changed);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const draft = this.unsaved(uri);
    if (draft) return { type: vscode.FileType.File, ctime: draft.created, mtime: draft.created, size: Buffer.byteLength(draft.template) };
    const { memory } = this.memory(uri);
    this.seen.set(uri.toString(), Date.parse(memory.updated));
    return {
      type: vscode.FileType.File, ctime: Date.parse(memory.created), mtime: Date.parse(memory.updated),
      size: Buffer.byteLength(teamNoteText(memory)), permissions: memory.origin ? vscode.FilePermission.Readonly : undefined,
    };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const draft = this.unsaved(uri);
    return Buffer.from(draft ? draft.template : teamNoteText(this.memory(uri).memory));
  }

  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    const draft = this.unsaved(uri);
    if (draft) return this.storeDraft(draft, Buffer.from(content).toString('utf8'));
    const { memory, service, id } = this.memory(uri);
    const parsed = parseTeamNote(Buffer.from(content).toString('utf8'), `${id}.md`);
    if ('problem' in parsed) throw vscode.FileSystemError.Unavailable(parsed.problem.replace(`${id}.md: `, ''));
    const { kind, title, text, tags, citations } = parsed.memory;
    try {
      service.update(memory.id, { kind, title, content: text, tags, citations });
    } catch (error) {
      throw vscode.FileSystemError.Unavailable(describeError(error));
    }
    this.workspaces.notify();
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('memories are not folders');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('forget a memory from the Code Memory view or with @memory /forget');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('a memory keeps its id');
  }

  /** The draft behind a `new-N.md` that has not been saved yet. */
  private unsaved(uri: vscode.Uri): Draft | undefined {
    const draft = DRAFT.test(uri.path) ? this.drafts.get(uri.toString()) : undefined;
    return draft && !draft.id ? draft : undefined;
  }

  private storeDraft(draft: Draft, text: string): void {
    if (text.trim() === draft.template.trim()) throw vscode.FileSystemError.Unavailable('write the memory first: it is still the template');
    const parsed = parseTeamNote(text, 'new.md');
    if ('problem' in parsed) throw vscode.FileSystemError.Unavailable(parsed.problem.replace('new.md: ', ''));
    const { kind, title, text: content, tags, citations } = parsed.memory;
    try {
      const result = this.workspaces.memoryService(draft.folder).store({ kind, title, content, tags, citations, source: 'user' });
      draft.id = result.memory.id;
      this.workspaces.notify();
      void vscode.window.showInformationMessage(result.created ? `Code Memory remembered this as ${result.memory.id}.` : `Code Memory already remembers this as ${result.memory.id}.`);
    } catch (error) {
      throw vscode.FileSystemError.Unavailable(describeError(error));
    }
  }

  private memory(uri: vscode.Uri): { memory: NonNullable<ReturnType<MemoryService['get']>>; service: MemoryService; id: string } {
    const saved = this.drafts.get(uri.toString())?.id;
    const match = /\/(mem|personal)-(\d+)\.md$/.exec(saved ? `/${saved.replace(':', '-')}.md` : uri.path);
    const folder = this.workspaces.folderOf(vscode.Uri.parse(uri.query));
    if (!match || !folder || !this.workspaces.hasIndex(folder)) throw vscode.FileSystemError.FileNotFound(uri);
    const id = `${match[1]}:${match[2]}`;
    const service = this.workspaces.memoryService(folder);
    const memory = service.get(id);
    if (!memory) throw vscode.FileSystemError.FileNotFound(`${id} has been forgotten`);
    return { memory, service, id: `${match[1]}-${match[2]}` };
  }
}

export interface MemoryDocuments {
  /** Opens a new memory in an editor, starting from `template` (front matter and text); saving stores it. */
  draft(folder: vscode.WorkspaceFolder, template: string): vscode.Uri;
}

export function registerMemoryDocuments(context: vscode.ExtensionContext, workspaces: Workspaces): MemoryDocuments {
  const files = new MemoryFileSystem(workspaces);
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(SCHEME, files, { isCaseSensitive: true }),
    workspaces.onDidChange(() => files.memoriesChanged()),
  );
  return { draft: (folder, template) => files.draft(folder, template) };
}
