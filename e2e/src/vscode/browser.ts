/**
 * @module Headless Chromium (Debian's, at /usr/bin/chromium) driven by playwright-core, opening
 * code-server's workbench. playwright-core never downloads a browser; ensure-code-server.sh
 * installs Chromium with apt.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { workbenchUrl, type CodeServer } from './code-server';

/** The Chromium playwright-core drives; HANDOFF_CHROMIUM overrides it. */
export const CHROMIUM_PATH = process.env['HANDOFF_CHROMIUM'] ?? '/usr/bin/chromium';

/** Offline, quiet, headless: nothing phones home and nothing needs a GPU or a sandbox. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser with one page showing the workbench. */
export interface WorkbenchBrowser {
  readonly browser: Browser;
  readonly page: Page;
  /** Errors the page logged to its console, for a failing test's message. */
  consoleErrors(): readonly string[];
  close(): Promise<void>;
}

/** Launches Chromium with one 1400×900 page. */
export async function launchBrowser(): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} is missing: run "bash scripts/vscode/ensure-code-server.sh".`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  return { browser, page };
}

/**
 * Opens the server's workspace and waits until the workbench has rendered its activity bar,
 * which comes after the extensions' view containers are registered.
 */
export async function openWorkbench(server: CodeServer, timeoutMs = 90_000): Promise<WorkbenchBrowser> {
  const { browser, page } = await launchBrowser();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(workbenchUrl(server), { timeout: timeoutMs });
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: timeoutMs });
  } catch (error) {
    await browser.close();
    throw error;
  }
  return { browser, page, consoleErrors: () => errors, close: () => browser.close() };
}
