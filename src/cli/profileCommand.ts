import * as fs from 'node:fs';
import { UserProfile } from '../core/profile/userProfile';
import { parse, UsageError } from './args';
import { print } from './output';

export const PROFILE_USAGE = `code-memory profile show|path|status|clear|pause|resume|undo|load FILE
      your profile (profile.md in your data folder): @memory and agents read it; conversations update it`;

/** `profile <verb>`: seed 001's `llm memory …` verbs on the profile every front end reads. */
export async function runProfile(verb: string | undefined, args: string[]): Promise<number> {
  const { positionals } = parse(args, {});
  const profile = new UserProfile();
  try {
    switch (verb) {
      case 'show':
        print(profile.read() || 'The profile is empty: @memory conversations fill it in, or `code-memory profile load FILE`.\n');
        return 0;
      case 'path':
        print(`${profile.file}\n`);
        return 0;
      case 'status': {
        const { learning, lastChange, undoable, chars } = profile.status();
        print([
          `Profile:  ${profile.file} (${chars ? `${chars.toLocaleString()} characters` : 'empty'})`,
          `Learning: ${learning ? 'on' : 'paused (code-memory profile resume)'}`,
          `Changed:  ${lastChange ? `${new Date(lastChange.at).toLocaleString()} (${lastChange.source})` : 'never'}`,
          `Undo:     ${undoable} earlier versions`,
        ].join('\n') + '\n');
        return 0;
      }
      case 'clear':
        profile.replace(profile.read(), '', 'cleared');
        print('Cleared the profile (code-memory profile undo brings it back).\n');
        return 0;
      case 'pause':
      case 'resume':
        profile.setLearning(verb === 'resume');
        print(verb === 'resume' ? 'Learning resumed: conversations update the profile.\n' : 'Learning paused: the profile is still used, not changed.\n');
        return 0;
      case 'undo':
        print(profile.undo() ? 'Back to the version before the last change.\n' : 'Nothing to undo.\n');
        return 0;
      case 'load': {
        if (positionals.length !== 1) throw new UsageError('profile load takes one file');
        let text: string;
        try {
          text = fs.readFileSync(positionals[0], 'utf8');
        } catch (error) {
          throw new UsageError(`cannot read ${positionals[0]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        try {
          profile.replace(profile.read(), text, 'loaded');
        } catch (error) {
          if (error instanceof RangeError) throw new UsageError(error.message);
          throw error;
        }
        print(`Loaded the profile from ${positionals[0]}.\n`);
        return 0;
      }
      default:
        throw new UsageError(verb ? `unknown profile verb '${verb}' (show, path, status, clear, pause, resume, undo, load)` : 'profile needs a verb: show, path, status, clear, pause, resume, undo, load');
    }
  } finally {
    profile.close();
  }
}
