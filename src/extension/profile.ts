import * as vscode from 'vscode';
import type { ModelProvider } from '../core/models/modelProvider';
import { EMPTY_PROFILE, learnFromTurns } from '../core/profile/learning';
import { UserProfile } from '../core/profile/userProfile';
import { describeError } from './log';
import { formatDate } from './format';
import { reported } from './reported';

/** The user's profile in the editor: what prompts and agents read, learning in the background, and its commands. */
export interface ProfileFeature {
  /** The profile for prompts and agents; undefined when the user turned it off (`codeMemory.profile.enabled`). */
  text(): string | undefined;
  /** Learns from the user's latest turns in the background: never throws, never delays the caller. */
  learn(turns: readonly string[], model: ModelProvider | undefined): void;
  /** "learning · changed 12:04", "paused", or "off". */
  statusLine(): string;
  readonly onDidChange: vscode.Event<void>;
  /** Resolves when every queued update is done (for tests). */
  idle(): Promise<unknown>;
}

const enabled = () => vscode.workspace.getConfiguration('codeMemory').get<boolean>('profile.enabled', true);

export function registerProfile(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): ProfileFeature {
  const profile = new UserProfile();
  const changed = new vscode.EventEmitter<void>();
  // One update at a time in this window; other windows and processes are kept out by the profile's own lock.
  let queue: Promise<unknown> = Promise.resolve();
  const uri = () => vscode.Uri.file(profile.file);
  const change = (work: () => unknown, said: string) => {
    work();
    changed.fire();
    void vscode.window.showInformationMessage(`Code Memory: ${said}`);
  };

  const feature: ProfileFeature = {
    text: () => (enabled() ? profile.read() : undefined),
    learn(turns, model) {
      if (!enabled() || !model || !turns.length) return;
      queue = queue.then(async () => {
        try {
          const outcome = await learnFromTurns(profile, model, turns);
          log.info(`Profile: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`);
          if (outcome.status === 'updated') changed.fire();
        } catch (error) {
          log.warn(`Profile not updated: ${describeError(error)}`);
        }
      });
    },
    statusLine() {
      if (!enabled()) return 'off';
      try {
        const { learning, lastChange } = profile.status();
        return [learning ? 'learning' : 'paused', lastChange ? `changed ${formatDate(lastChange.at)}` : undefined].filter(Boolean).join(' · ');
      } catch (error) {
        // A profile database that cannot be read must not keep the views (or activation) from working.
        return `unavailable (${describeError(error)})`;
      }
    },
    onDidChange: changed.event,
    idle: () => queue,
  };

  context.subscriptions.push(
    changed, { dispose: () => profile.close() },
    vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('codeMemory.profile') && changed.fire()),
    vscode.workspace.onDidSaveTextDocument((document) => document.uri.fsPath === profile.file && changed.fire()),
    vscode.commands.registerCommand('codeMemory.profile.show', reported('show the profile', async () => {
      if (!profile.read().trim()) {
        void vscode.window.showInformationMessage('Code Memory: your profile is empty. @memory conversations fill it in, or Edit Profile.', 'Edit Profile')
          .then((choice) => choice && vscode.commands.executeCommand('codeMemory.profile.edit'));
        return;
      }
      await vscode.commands.executeCommand('markdown.showPreview', uri());
    })),
    vscode.commands.registerCommand('codeMemory.profile.edit', reported('open the profile', async () => {
      if (!profile.read()) profile.replace('', EMPTY_PROFILE, 'edited');
      await vscode.window.showTextDocument(uri(), { preview: false });
    })),
    vscode.commands.registerCommand('codeMemory.profile.clear', reported('clear the profile', () => {
      const before = profile.read();
      if (!before.trim()) return void vscode.window.showInformationMessage('Code Memory: the profile is already empty.');
      profile.replace(before, '', 'cleared');
      changed.fire();
      void vscode.window.showInformationMessage('Code Memory cleared your profile.', 'Undo').then((choice) => {
        if (!choice) return;
        // Undoes this clear only: if the profile was learned or edited since, that is not thrown away.
        const restored = profile.replace('', before, 'undone');
        changed.fire();
        if (!restored) void vscode.window.showWarningMessage('Code Memory: the profile changed after it was cleared, so it was left as it is.');
      });
    })),
    vscode.commands.registerCommand('codeMemory.profile.pause', reported('pause learning', () =>
      change(() => profile.setLearning(false), 'learning paused. The profile is still used, not changed.'))),
    vscode.commands.registerCommand('codeMemory.profile.resume', reported('resume learning', () =>
      change(() => profile.setLearning(true), 'learning resumed. Conversations with @memory update your profile.'))),
    vscode.commands.registerCommand('codeMemory.profile.undo', reported('undo the last profile change', () => {
      const undone = profile.undo();
      changed.fire();
      void vscode.window.showInformationMessage(undone ? 'Code Memory: the profile is back to the version before the last change.'
        : 'Code Memory: no earlier profile to go back to.');
      return undone;
    })),
    vscode.commands.registerCommand('codeMemory.profile.load', reported('load the profile', async (source?: vscode.Uri) => {
      source ??= (await vscode.window.showOpenDialog({ title: 'Load Profile', filters: { Markdown: ['md', 'markdown', 'txt'] }, canSelectMany: false }))?.[0];
      if (!source) return;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(source));
      change(() => profile.replace(profile.read(), text, 'loaded'), `profile loaded from ${vscode.workspace.asRelativePath(source)}.`);
    })),
  );
  return feature;
}
