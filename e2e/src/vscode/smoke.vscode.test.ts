import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVsCode, type VsCodeSession } from './session';

describe('Handoff in real VS Code (code-server + Chromium)', () => {
  let vscode: VsCodeSession;

  beforeAll(async () => {
    vscode = await startVsCode('smoke', {
      files: { 'README.md': '# A workspace for the smoke test\n' },
      settings: { 'handoff.runtimeApiUrl': 'http://127.0.0.1:9' },
    });
  });

  afterAll(async () => {
    await vscode.close();
  });

  it('opens the workspace in the workbench', async () => {
    const { workbench } = vscode;
    await workbench.page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' })
      .waitFor();
    await workbench.screenshot('workbench');
  });

  it('runs in a trusted workspace and shows the Handoff activity-bar item', async () => {
    const { workbench } = vscode;
    await workbench.trustWorkspace();
    await workbench.activityBarItem('Handoff').waitFor({ state: 'visible' });
  });

  it('opens the Handoff view and renders the chat webview', async () => {
    const { workbench } = vscode;
    await workbench.openHandoffView();
    const chat = await workbench.chatFrame();
    const composer = chat.getByTestId('composer-input');
    await composer.waitFor({ state: 'visible' });
    expect(await composer.getAttribute('placeholder')).toContain('Describe a task');
    await chat.getByRole('button', { name: 'Start' }).waitFor();
    // Screen readers hear what the box is for (the toolkit would otherwise call it "Text area").
    await chat.getByRole('textbox', { name: 'Task for the agent' }).waitFor();
    await workbench.screenshot('handoff-view');
  });

  it('lists the Handoff commands in the command palette', async () => {
    const { workbench } = vscode;
    await workbench.openCommandPalette('Handoff');
    await workbench.screenshot('command-palette');
    await workbench.page.keyboard.press('Escape');
    const commands = await workbench.listCommands('Handoff');
    expect(commands).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Handoff: New Conversation'),
        expect.stringContaining('Handoff: Set Runtime API Key'),
        expect.stringContaining('Handoff: Set LLM API Key'),
      ]),
    );
  });

  it('stores a key typed into the Set Runtime API Key box', async () => {
    const { workbench } = vscode;
    await workbench.setSecret('Handoff: Set Runtime API Key', 'smoke-test-key');
    await expect(workbench.waitForNotification('Runtime API key saved')).resolves.toContain('saved');
    await workbench.screenshot('key-saved');
  });
});
