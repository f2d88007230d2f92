// The Playwright UI test (VS Code 1.139 web workbench, selectors checked against code-server 4.139.1):
// index the workspace from the command palette, wait for the symbol count in the status bar, ask the @memory
// chat participant a question and wait for an answer that lists its references, remember a note, then open the
// Code Memory view (expand a group, filter) and the dashboard (every chart drawn). Screenshots in test-results/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { DriveContext } from './codeServer';

export const SELECTORS = {
  workbench: '.monaco-workbench',
  statusBar: '#workbench\\.parts\\.statusbar',
  statusBarItem: '#workbench\\.parts\\.statusbar .statusbar-item',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget input.input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  quickInputRowLabel: '.label-name',
  chatInput: '.interactive-input-part .monaco-editor',
  chatRequest: '.interactive-request',
  chatResponse: '.interactive-response',
  /** The response row while it streams. */
  chatResponseLoading: '.chat-response-loading',
  /** Collapsible parts of a response (references, thinking, tools) share these; the label tells them apart. */
  chatCollapsibleLabel: '.chat-used-context-label',
  /**
   * Once a response completes, 1.139 folds its progress and reference parts into one disclosure
   * ("Completed 4 steps"); the "Used N references" part stays in the DOM inside it, hidden until it is opened.
   */
  chatCompletedSteps: 'details.completed-response-disclosure > summary.completed-response-summary',
  /** The reference list, rendered when the references part is expanded. */
  chatReferenceList: '.chat-used-context-list',
  /** The answer's markdown. */
  chatMarkdown: '.chat-markdown-part.rendered-markdown',
  suggestWidget: '.suggest-widget.visible',
  /** A ChatResponseAnchorPart: a link to a file or a range, rendered inline. */
  chatAnchor: '.chat-inline-anchor-widget',
  editorTab: '.tabs-container [role="tab"]',
  notification: '.notification-toast .notification-list-item-message',
  /** Rows of the Code Memory view's trees (Memories, Answers), in the primary side bar (chat is elsewhere). */
  treeRow: '#workbench\\.parts\\.sidebar .pane-body .monaco-list-row',
  /** The view's message under its title (the filter's result). */
  viewMessage: '.pane-body .message',
  /** A webview panel: VS Code's outer frame, then the page's own. */
  webviewOuter: 'iframe.webview',
  webviewInner: '#active-frame',
} as const;

/** "Used 3 references" / "Used 1 reference" (ChatCollapsibleListContentPart's title). */
export const REFERENCES_LABEL = /Used \d+ references?/;
/** The extension's status bar text after indexing: "$(database) Code Memory: 42 symbols". */
export const ENTITY_COUNT = /Code Memory: \d[\d,.]* symbols/;

const INDEX_COMMAND = 'Code Memory: Index Workspace';
const OPEN_CHAT_COMMANDS = ['Chat: Open Chat', 'View: Toggle Chat', 'Chat: Focus on Chat View'];
const QUESTION = '@memory where are invoices totalled?';
/** The participant is sticky: after the first question the input already starts with @memory. */
const SEARCH = '/search invoice total';
const REMEMBER = '/remember Invoice totals are rounded half up only when the invoice is sent';
const FILTER = 'kind:note rounded';
const SHOW_VIEW_COMMANDS = ['View: Show Code Memory', 'Code Memory: Focus on Memories View'];
const DASHBOARD_COMMAND = 'Code Memory: Show Statistics';
const CHARTS = ['languages', 'history', 'questions', 'latency'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class UiFailure extends Error {}

async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new UiFailure(`UI test: ${name}: ${message}`);
  }
}

async function closeQuickInput(page: Page): Promise<void> {
  if (await page.locator(SELECTORS.quickInputBox).isVisible()) await page.keyboard.press('Escape');
}

/** Runs a command palette entry by its exact label; retries while the extension's contributions load. */
export async function runCommand(page: Page, label: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exact = new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
  for (;;) {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    const box = page.locator(SELECTORS.quickInputBox);
    await box.waitFor({ state: 'visible', timeout: 10_000 });
    await box.fill(`>${label}`);
    const row = page
      .locator(SELECTORS.quickInputRow)
      .filter({ has: page.locator(SELECTORS.quickInputRowLabel, { hasText: exact }) })
      .first();
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await row.click();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        const offered = await page.locator(SELECTORS.quickInputRow).allInnerTexts();
        await closeQuickInput(page);
        throw new Error(
          `no command "${label}" in the palette (offered: ${offered.map((text) => text.replace(/\s+/g, ' ')).join(' | ') || 'nothing'})`,
        );
      }
    }
  }
}

async function askInChat(page: Page, text: string): Promise<void> {
  await page.locator(SELECTORS.chatInput).first().click();
  await page.keyboard.type(text, { delay: 10 });
  if (await page.locator(SELECTORS.suggestWidget).isVisible()) await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
}

async function screenshot(page: Page, file: string, log: (message: string) => void): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  log(`screenshot ${file}`);
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** The whole UI test; throws a UiFailure with a one-line reason (and leaves ui-failure.png). */
export async function driveUi(page: Page, context: DriveContext, resultsDir: string): Promise<void> {
  try {
    await steps(page, context, resultsDir);
  } catch (error) {
    await screenshot(page, path.join(resultsDir, 'ui-failure.png'), context.log).catch(() => undefined);
    throw error;
  }
}

async function steps(page: Page, context: DriveContext, resultsDir: string): Promise<void> {
  const { log } = context;
  await step('workbench', async () => {
    await page.locator(SELECTORS.workbench).waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator(SELECTORS.statusBar).waitFor({ state: 'visible', timeout: 60_000 });
  });

  await step(`command "${INDEX_COMMAND}"`, () => runCommand(page, INDEX_COMMAND));
  const status = await step('status bar entity count', async () => {
    const item = page.locator(SELECTORS.statusBarItem).filter({ hasText: ENTITY_COUNT }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: 180_000 });
    } catch {
      const items = await page.locator(SELECTORS.statusBarItem).allInnerTexts();
      throw new Error(`no status bar item matching ${ENTITY_COUNT} (items: ${items.map((t) => t.trim()).filter(Boolean).join(' | ')})`);
    }
    return textOf(item);
  });
  log(`status bar: "${status}"`);
  await page.locator(SELECTORS.quickInput).waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  await screenshot(page, path.join(resultsDir, 'statusbar.png'), log);

  await step('open chat', async () => {
    const input = page.locator(SELECTORS.chatInput).first();
    for (const command of OPEN_CHAT_COMMANDS) {
      if (await input.isVisible()) break;
      try {
        await runCommand(page, command, 10_000);
        await input.waitFor({ state: 'visible', timeout: 10_000 });
      } catch (error) {
        log(`"${command}" did not open the chat input: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    if (!(await input.isVisible())) {
      await page.keyboard.press('Control+Alt+KeyI');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
    }
  });

  await step('ask @memory', async () => {
    await askInChat(page, QUESTION);
    await page.locator(SELECTORS.chatRequest).first().waitFor({ state: 'visible', timeout: 30_000 });
  });

  const answer = await step('chat answer with references', async () => {
    const response = page.locator(SELECTORS.chatResponse).last();
    await response.waitFor({ state: 'visible', timeout: 60_000 });
    const deadline = Date.now() + 180_000;
    const isLoading = () =>
      response.evaluate((element, loadingClass) => element.classList.contains(loadingClass), SELECTORS.chatResponseLoading.slice(1));
    while (await isLoading()) {
      if (Date.now() > deadline) throw new Error(`no complete answer within 180 s: "${(await textOf(response)).slice(0, 200)}"`);
      await page.waitForTimeout(250);
    }
    const markdown = (await response.locator(SELECTORS.chatMarkdown).allInnerTexts()).join(' ').replace(/\s+/g, ' ').trim();
    const references = response.locator(SELECTORS.chatCollapsibleLabel, { hasText: REFERENCES_LABEL }).first();
    try {
      await references.waitFor({ state: 'attached', timeout: 5_000 });
    } catch {
      throw new Error(`the answer has no "Used N references" part: "${(await textOf(response)).slice(0, 200)}"`);
    }
    if (!markdown) throw new Error(`the answer has no text: "${(await textOf(response)).slice(0, 200)}"`);
    if (/Language model unavailable/i.test(markdown)) throw new Error(`"${markdown.slice(0, 200)}"`);
    // Open the "Completed N steps" disclosure (it replaces the visible parts a moment after the response
    // completes), then the references part, for the screenshot. Retried: the DOM is re-rendered meanwhile.
    const steps = response.locator(SELECTORS.chatCompletedSteps).first();
    const list = response.locator(`${SELECTORS.chatReferenceList} .monaco-list-row`).first();
    await steps.waitFor({ state: 'attached', timeout: 3_000 }).catch(() => undefined);
    const until = Date.now() + 30_000;
    while (!(await list.isVisible())) {
      if (Date.now() > until) throw new Error('cannot open the "Used N references" part');
      const open = await steps
        .evaluate((summary) => (summary.parentElement as { open?: boolean } | null)?.open === true, undefined, {
          timeout: 1_000,
        })
        .catch(() => undefined);
      if (open === false) await steps.click({ timeout: 3_000 }).catch(() => undefined);
      await references.click({ timeout: 3_000 }).catch(() => undefined);
      await list.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
    }
    await page.waitForTimeout(800); // the expand animation
    const referencesLabel = (await references.innerText()).trim();
    return { text: markdown, references: referencesLabel };
  });
  log(`chat answer (${answer.references}): "${answer.text.slice(0, 160)}"`);
  await screenshot(page, path.join(resultsDir, 'chat.png'), log);

  // A /search result's link must open the file in this (remote) window: a file:// link in Markdown failed with
  // "No file system handle registered".
  await step('ask @memory /search', () => askInChat(page, SEARCH));
  await step('open a /search result', async () => {
    const response = page.locator(SELECTORS.chatResponse).last();
    // The last one: the list is scrolled to its end, and the first rows hide under the sticky question.
    const link = response.locator(SELECTORS.chatAnchor, { hasText: /invoices\.ts/ }).last();
    await link.waitFor({ state: 'visible', timeout: 60_000 });
    await link.scrollIntoViewIfNeeded();
    await link.click();
    const tab = page.locator(SELECTORS.editorTab, { hasText: 'invoices.ts' }).first();
    try {
      await tab.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      const notices = await page.locator(SELECTORS.notification).allInnerTexts();
      throw new Error(`no editor for invoices.ts opened (notifications: ${notices.join(' | ').slice(0, 200) || 'none'})`);
    }
  });
  await screenshot(page, path.join(resultsDir, 'search-link.png'), log);
  await viewSteps(page, context, resultsDir);
}

/** The Code Memory view and the dashboard, as a newcomer opens them (screenshots for the README). */
async function viewSteps(page: Page, context: DriveContext, resultsDir: string): Promise<void> {
  const { log } = context;
  await step('remember a note in chat', async () => {
    await askInChat(page, REMEMBER);
    await page.locator(SELECTORS.chatResponse).filter({ hasText: /remembered|mem:\d+/i }).last().waitFor({ state: 'visible', timeout: 60_000 });
  });
  const noteRow = page.locator(SELECTORS.treeRow, { hasText: 'Invoice totals are rounded half up' }).first();
  await step('open the Code Memory view', async () => {
    for (const command of SHOW_VIEW_COMMANDS) {
      try {
        await runCommand(page, command, 15_000);
        await noteRow.waitFor({ state: 'visible', timeout: 15_000 });
        return;
      } catch (error) {
        log(`"${command}" did not show the note: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    throw new Error('the Memories view did not show the note remembered in chat');
  });
  await step('expand an answer to see the memories it was given', async () => {
    // The receipt (its description: time · N used), not its conversation (N answers · date).
    const receipt = page.locator(SELECTORS.treeRow, { hasText: /where are invoices totalled\?.*\d+ used/ }).first();
    await receipt.locator('.monaco-tl-twistie').click();
    const used = page.locator(SELECTORS.treeRow, { hasText: /totalInvoice/ }).first();
    await used.waitFor({ state: 'visible', timeout: 10_000 });
    log(`answer expanded: "${await textOf(used)}"`);
  });
  await step(`filter "${FILTER}"`, async () => {
    await runCommand(page, 'Code Memory: Filter Memories…');
    const box = page.locator(SELECTORS.quickInputBox);
    await box.waitFor({ state: 'visible', timeout: 10_000 });
    await box.fill(FILTER);
    await page.keyboard.press('Enter');
    const message = page.locator(SELECTORS.viewMessage, { hasText: /memor(y|ies) match/ }).first();
    await message.waitFor({ state: 'visible', timeout: 10_000 });
    log(`view message: "${await textOf(message)}"`);
    await noteRow.waitFor({ state: 'visible', timeout: 5_000 });
  });
  await screenshot(page, path.join(resultsDir, 'memories-view.png'), log);
  await step('clear the filter', () => runCommand(page, 'Code Memory: Clear Memory Filter'));
  await step('forget the note with its inline action, then Undo', async () => {
    await noteRow.hover();
    const forget = noteRow.locator('.action-label[aria-label^="Forget Memory"]');
    try {
      // Inline actions show while the row is hovered; if the pointer moved on, the click event still reaches it.
      await forget.click({ timeout: 5_000 }).catch(() => forget.dispatchEvent('click', undefined, { timeout: 5_000 }));
    } catch {
      const labels = await noteRow.locator('.action-label').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label')));
      throw new Error(`no Forget Memory action on the note's row (actions: ${labels.join(' | ') || 'none'})`);
    }
    await noteRow.waitFor({ state: 'hidden', timeout: 10_000 });
    // The message with its Undo button: as a toast, or (if the toast has gone) in the notification center.
    const message = page.locator('.notification-list-item', { hasText: /Code Memory forgot mem:\d+/ }).first();
    if (!(await message.isVisible())) await runCommand(page, 'Notifications: Show Notifications', 10_000);
    await message.waitFor({ state: 'visible', timeout: 10_000 });
    await message.hover();
    await message.locator('.monaco-button', { hasText: 'Undo' }).click();
    await noteRow.waitFor({ state: 'visible', timeout: 10_000 });
  });

  await step(`command "${DASHBOARD_COMMAND}"`, () => runCommand(page, DASHBOARD_COMMAND));
  await step('dashboard charts drawn', async () => {
    const frame = page.frameLocator(SELECTORS.webviewOuter).last().frameLocator(SELECTORS.webviewInner);
    for (const id of CHARTS) {
      const canvas = frame.locator(`canvas#${id}`);
      await canvas.waitFor({ state: 'visible', timeout: 30_000 });
      // A canvas element's drawing buffer size (the tests compile without DOM types).
      const size = await canvas.evaluate((element) => {
        const { width, height } = element as unknown as { width: number; height: number };
        return { width, height };
      });
      if (!size.width || !size.height) throw new Error(`chart ${id} has no size (${size.width}×${size.height})`);
    }
    const totals = await textOf(frame.locator('#totals'));
    if (!/\d.*Files.*Entities/i.test(totals)) throw new Error(`no totals: "${totals}"`);
    log(`dashboard totals: "${totals}"`);
    await page.waitForTimeout(500); // the charts' first paint
  });
  await screenshot(page, path.join(resultsDir, 'dashboard.png'), log);
}
