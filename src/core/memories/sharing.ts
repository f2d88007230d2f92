import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../workspaceIndex';
import { knowledgeSourceOf } from './knowledgeFiles';
import type { MemoryService } from './memoryService';
import { parseTeamNote, teamNoteFileName, teamNoteText } from './teamNotes';
import type { MemoryView } from './views';

/** "Share with team": the file that would be written for a memory (workspace-relative), and its text. */
export function teamNote(service: MemoryService, id: string): { file: string; text: string } | undefined {
  const memory = service.get(id);
  if (!memory) return undefined;
  const folder = path.join(service.workspace.index.root, service.workspace.teamNotesFolder);
  const name = teamNoteFileName(memory.title, (file) => fs.existsSync(path.join(folder, file)));
  return { file: path.posix.join(service.workspace.teamNotesFolder, name), text: teamNoteText(memory) };
}

/**
 * Writes a team note shown to the user (teamNote) into the workspace — never over an existing file — and the
 * memory becomes that note. Returns the note's memories.
 */
export function shareWithTeam(service: MemoryService, id: string, note: { file: string; text: string }): MemoryView[] {
  if (knowledgeSourceOf(note.file, service.workspace.teamNotesFolder) !== 'team') throw new InputError(`${note.file} is not in the team notes folder`);
  const parsed = parseTeamNote(note.text, note.file);
  if ('problem' in parsed) throw new InputError(parsed.problem);
  const root = fs.realpathSync(service.workspace.index.root);
  const target = path.join(root, note.file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // A folder linked to elsewhere must not take the note out of the workspace.
  if (path.relative(root, fs.realpathSync(path.dirname(target))).startsWith('..')) throw new InputError(`${note.file} would be written outside the workspace`);
  try {
    fs.writeFileSync(target, note.text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(`${note.file} exists already: nothing was written`);
    throw error;
  }
  service.workspace.syncKnowledge([note.file]);
  const shared = service.list({ source: 'team', limit: 1000 }).memories.filter((m) => m.origin === note.file);
  if (shared.length) service.delete(id);
  return shared;
}
