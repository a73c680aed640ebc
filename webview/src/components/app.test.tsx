import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { anAgentStateEvent } from '@handoff/protocol/testing';
import { HostClient } from '../host/host-client';
import { ChatStore } from '../state/chat-store';
import { FakeHost, settle } from '../testing/fake-host';
import { App } from './app';

async function renderWith(notify: (host: FakeHost) => void): Promise<string> {
  const host = new FakeHost();
  const client = new HostClient(host, { warn: () => undefined });
  const store = new ChatStore(client);
  client.start();
  notify(host);
  await settle();
  return renderToStaticMarkup(<App store={store} />);
}

describe('App', () => {
  it('renders the composer, the status line and the empty state at first', async () => {
    const html = await renderWith(() => undefined);
    for (const id of ['composer-input', 'composer-send', 'connection-status', 'agent-state', 'empty-state']) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain('data-status="idle"');
    expect(html).not.toContain('data-testid="error-banner"');
  });

  it('shows the error banner with the host message and the Stop button while the agent runs', async () => {
    const html = await renderWith((host) => {
      host.notify('connection/status', { status: 'error', message: 'Run "Handoff: Set Runtime API Key".' });
      host.notify('conversation/event', { event: anAgentStateEvent({ seq: 1, state: 'running' }) });
    });
    expect(html).toContain('data-testid="error-banner"');
    expect(html).toContain('Set Runtime API Key');
    expect(html).toContain('data-state="running"');
    expect(html).toContain('data-testid="composer-interrupt"');
  });

  it('disables the composer while the sandbox starts', async () => {
    const html = await renderWith((host) => {
      host.notify('connection/status', { status: 'starting_sandbox' });
    });
    expect(html).toMatch(/<vscode-text-area[^>]*disabled=""/);
  });
});
