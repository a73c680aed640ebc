/**
 * @module Drives the VS Code workbench the way a user does: command palette, activity bar,
 * input boxes, notifications; reaches into the Handoff chat webview; saves a screenshot per step.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../services';

/** Screenshots land in `e2e/out/screenshots/<test name>/<nn>-<step>.png` (e2e/out/ also holds tsc's output). */
export const SCREENSHOT_ROOT = path.join(REPO_ROOT, 'e2e', 'out', 'screenshots');

const EXTENSION_ID = 'handoff.handoff-vscode';

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

/** The workbench of one page, for one test. */
export class Workbench {
  private shots = 0;
  /** Where this test's screenshots go (emptied when the Workbench is created). */
  readonly screenshotDir: string;

  constructor(
    readonly page: Page,
    testName: string,
  ) {
    this.screenshotDir = path.join(SCREENSHOT_ROOT, slug(testName));
    rmSync(this.screenshotDir, { recursive: true, force: true });
    mkdirSync(this.screenshotDir, { recursive: true });
  }

  /** Saves the page as `<nn>-<step>.png` and returns its path. */
  async screenshot(step: string): Promise<string> {
    this.shots += 1;
    const file = path.join(this.screenshotDir, `${String(this.shots).padStart(2, '0')}-${slug(step)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** The quick input (command palette, input boxes, pickers). */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the command palette (F1) with `query` typed in; resolves once rows are shown. */
  async openCommandPalette(query: string): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 }, force: true });
    await this.page.keyboard.press('F1');
    const input = this.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${query}`);
    await this.quickInput.locator('.monaco-list-row').first().waitFor({ state: 'visible' });
  }

  /** The command titles the palette lists for `query` ("Category: Title"); closes it again. */
  async listCommands(query: string): Promise<string[]> {
    await this.openCommandPalette(query);
    const rows = await this.quickInput.locator('.monaco-list-row').all();
    const labels = await Promise.all(rows.map(async (row) => (await row.getAttribute('aria-label')) ?? ''));
    await this.page.keyboard.press('Escape');
    return labels;
  }

  /**
   * Runs the command titled `title` (e.g. "Handoff: New Conversation") from the palette. Right
   * after start-up the palette may not list every command yet (extensions still registering):
   * it is closed and opened again until the command shows or `timeoutMs` passes.
   */
  async runCommand(title: string, timeoutMs = 60_000): Promise<void> {
    const row = this.commandRow(title);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.openCommandPalette(title);
      const shown = await row
        .waitFor({ state: 'visible', timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
      if (shown) break;
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`The command palette does not list "${title}".`);
    }
    // No wait for the palette to close: a command may reuse it for its own input box.
    await row.click();
  }

  private commandRow(title: string): Locator {
    return this.quickInput
      .locator('.monaco-list-row', { has: this.page.locator('.quick-input-list-label', { hasText: title }) })
      .first();
  }

  /**
   * Runs a "Set … API Key" command and types `value` into its password box. The value never
   * appears in screenshots: the box is a password field.
   */
  async setSecret(commandTitle: string, value: string): Promise<void> {
    await this.runCommand(commandTitle);
    const password = this.quickInput.locator('input[type="password"]');
    await password.waitFor({ state: 'visible' });
    await password.fill(value);
    await this.page.keyboard.press('Enter');
    await password.waitFor({ state: 'hidden' });
  }

  /** The activity-bar item of a view container, by its title. */
  activityBarItem(title: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a[aria-label^="${title}"]`);
  }

  /** Shows the Handoff container (clicking its activity-bar item only if it is not showing yet). */
  async openHandoffView(): Promise<void> {
    const item = this.activityBarItem('Handoff');
    await item.waitFor({ state: 'visible' });
    const classes = (await item.locator('xpath=..').getAttribute('class')) ?? '';
    if (!classes.split(' ').includes('checked')) await item.click();
    await this.page.locator('.part.sidebar .composite.title', { hasText: 'Handoff' }).waitFor();
  }

  /**
   * The document of the Handoff webview that shows `testId` (default: the chat's composer).
   * VS Code renders a webview as an outer `iframe.webview` (its host page, tagged with the
   * extension id) whose `#active-frame` holds the extension's HTML; with several Handoff
   * webviews the one holding `testId` is picked. The outer frame is named by the webview's id,
   * which changes when the view is re-created: call this again after hiding and showing it.
   */
  async chatFrame(testId = 'composer', timeoutMs = 30_000): Promise<FrameLocator> {
    const outer = this.page.locator(`iframe.webview[src*="extensionId=${EXTENSION_ID}"]`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of await outer.all()) {
        const name = await frame.getAttribute('name');
        if (name === null) continue;
        const inner = this.page.frameLocator(`iframe.webview[name="${name}"]`).frameLocator('#active-frame');
        if ((await inner.getByTestId(testId).count()) > 0) return inner;
      }
      if (Date.now() > deadline) throw new Error(`No Handoff webview shows [data-testid="${testId}"].`);
      await this.page.waitForTimeout(250);
    }
  }

  /**
   * Types `task` into the chat's composer and presses Start (a new conversation); resolves with
   * the chat frame once the task shows as the user's message.
   */
  async startTask(task: string): Promise<FrameLocator> {
    const chat = await this.chatFrame();
    await chat.getByTestId('composer-input').click();
    await this.page.keyboard.type(task);
    await this.screenshot('task-typed');
    await chat.getByRole('button', { name: 'Start' }).click();
    await chat.getByTestId('event-message').filter({ hasText: task }).first().waitFor({ timeout: 120_000 });
    return chat;
  }

  /** The editor tab whose label contains `title` (e.g. a diff editor's title). */
  editorTab(title: string): Locator {
    return this.page.locator('.part.editor .tabs-container .tab', { hasText: title });
  }

  /** The rows of the side bar's view titled `viewTitle` (e.g. Handoff's "Changes" tree). */
  viewRows(viewTitle: string): Locator {
    return this.page
      .locator('.part.sidebar .pane', {
        has: this.page.locator('.pane-header', { hasText: new RegExp(`^${viewTitle}`) }),
      })
      .locator('.monaco-list-row');
  }

  /** The texts of the notification toasts now on screen. */
  async notifications(): Promise<string[]> {
    const messages = this.page.locator('.notifications-toasts .notification-list-item-message');
    return messages.allInnerTexts();
  }

  /** Waits for a toast whose text contains `text`; resolves with its full text. */
  async waitForNotification(text: string, timeoutMs = 30_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item-message', {
      hasText: text,
    });
    await toast.first().waitFor({ state: 'visible', timeout: timeoutMs });
    return toast.first().innerText();
  }

  /**
   * Trusts the open folder through "Workspaces: Manage Workspace Trust", as a user does; in
   * Restricted Mode VS Code keeps extensions that do not declare untrusted support disabled.
   */
  async trustWorkspace(): Promise<void> {
    await this.runCommand('Workspaces: Manage Workspace Trust');
    const editor = this.page.locator('.workspace-trust-editor');
    await editor
      .locator('.monaco-button', { hasText: /^Trust/ })
      .first()
      .click();
    await editor.getByText('You trust this folder').waitFor();
    await this.screenshot('workspace-trusted');
    // The trust editor opens as a modal over the workbench: close it so clicks reach the rest.
    const modal = this.page.locator('.monaco-modal-editor-block');
    await modal.locator('[aria-label^="Close Modal Editor"]').click();
    await modal.waitFor({ state: 'detached' });
  }
}
