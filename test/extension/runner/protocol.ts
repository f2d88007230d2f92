// Shared by the launchers (run.ts for code-server, electron.ts for desktop VS Code).
//
// Lines the mocha entry (test/extension/index.ts, in the extension host) prints for the harness
// (codeServer.ts, outside): the first one of the suite's output, and the prefix of its last one. A launch passes
// only after the last one, since the workbench also reports an extension host that died mid-suite as an exit,
// sometimes with code 0.
export const SUITE_STARTED = '[mocha] suite';
export const SUITE_FINISHED = '[mocha] finished:';
/** Prefix of a one-line summary per failed test, printed before SUITE_FINISHED and repeated at the end of the run. */
export const TEST_FAILED = '[mocha] failed:';
/** The same for a test that failed once and was run again (see index.ts). */
export const TEST_RETRIED = '[mocha] retried:';

/**
 * User settings of every launch: no prompts, tours, update checks or telemetry, Restricted Mode without a dialog
 * where trust is not disabled, and a default chat model.
 */
export const SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.autofetch': false,
  // Without Copilot no model is the chat's default, and a participant then answers "Language model unavailable".
  'chat.defaultModel': 'fake-large',
};
