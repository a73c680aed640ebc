import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { anActionEvent, anAgentStateEvent, anLlmUsageEvent } from '@handoff/protocol/testing';
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
    for (const id of [
      'composer-input',
      'send',
      'history',
      'new-conversation',
      'usage',
      'connection-status',
      'agent-state',
      'empty-state',
    ]) {
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

  it('asks to accept or reject the actions awaiting confirmation, with a Reject that takes a reason', async () => {
    const html = await renderWith((host) => {
      host.notify('conversation/event', { event: anActionEvent({ seq: 1, actionId: 'a1' }) });
      host.notify('conversation/event', {
        event: anAgentStateEvent({ seq: 2, state: 'awaiting_confirmation' }),
      });
    });
    expect(html).toContain('data-testid="confirmation-bar"');
    expect(html).toContain('The agent wants to run 1 action.');
    expect(html).toContain('data-testid="approve"');
    expect(html).toMatch(/data-testid="reject"[^>]*>Reject</);
    // The reason field appears once Reject is pressed.
    expect(html).not.toContain('data-testid="confirm-reason"');
    expect(html).not.toContain('data-testid="stuck-banner"');
  });

  it('says why a stuck agent stopped and that a message continues', async () => {
    const html = await renderWith((host) => {
      host.notify('conversation/event', { event: anAgentStateEvent({ seq: 1, state: 'stuck' }) });
    });
    expect(html).toContain('data-testid="stuck-banner"');
    expect(html).toContain('stopped because it was repeating itself');
    expect(html).toContain('Send a message to continue');
    expect(html).not.toContain('data-testid="confirmation-bar"');
  });

  it('offers Pause while the agent runs and Resume once paused', async () => {
    const running = await renderWith((host) => {
      host.notify('conversation/event', { event: anAgentStateEvent({ seq: 1, state: 'running' }) });
    });
    expect(running).toContain('data-testid="composer-pause"');
    expect(running).not.toContain('data-testid="composer-resume"');
    const paused = await renderWith((host) => {
      host.notify('conversation/event', { event: anAgentStateEvent({ seq: 1, state: 'paused' }) });
    });
    expect(paused).toContain('data-testid="composer-resume"');
    expect(paused).not.toContain('data-testid="composer-pause"');
    expect(paused).not.toContain('data-testid="composer-interrupt"');
  });

  it('shows the running LLM cost and tokens in the header, from the start', async () => {
    const total = {
      inputTokens: 11_000,
      outputTokens: 1_300,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0.0123,
      latencyMs: 1,
    };
    const before = await renderWith(() => undefined);
    expect(before).toMatch(/data-testid="usage"[^>]*>\$0\.0000 · 0 tokens</);
    const html = await renderWith((host) => {
      host.notify('conversation/event', { event: anLlmUsageEvent({ seq: 1, total }) });
    });
    expect(html).toMatch(/data-testid="usage"[^>]*>\$0\.0123 · 12\.3k tokens</);
  });

  it('shows the streamed text until the event it announced arrives', async () => {
    const streaming = await renderWith((host) => {
      host.notify('conversation/streamDelta', { responseId: 'r1', kind: 'text', delta: 'Let me look' });
    });
    expect(streaming).toContain('Let me look');
    const done = await renderWith((host) => {
      host.notify('conversation/streamDelta', { responseId: 'r1', kind: 'text', delta: 'Let me look' });
      host.notify('conversation/event', { event: anActionEvent({ seq: 1 }) });
    });
    expect(done).not.toContain('data-testid="streaming-message"');
  });
});
