import { describe, expect, it } from 'vitest';
import type { Event } from '@handoff/protocol';
import { aMessageEvent, anActionEvent } from '@handoff/protocol/testing';
import { silentLogger } from '../common/logger';
import {
  FakeAgentHttpClient,
  FakeEventStream,
  FakeRuntimeClient,
  aSessionConfig,
} from '../testing/fake-clients';
import type { ConnectionStatusChange } from './agent-connection';
import { ConnectionError, NoConversationError, NotConfiguredError } from './errors';
import { MISSING_RUNTIME_KEY_MESSAGE, SessionService } from './session-service';
import type { SessionConfig } from './session-service';

function setup(config: Partial<SessionConfig> = {}) {
  const runtime = new FakeRuntimeClient();
  const agent = new FakeAgentHttpClient();
  const streams: FakeEventStream[] = [];
  const runtimeConfigs: { baseUrl: string; apiKey: string }[] = [];
  const session = new SessionService({
    readConfig: () => Promise.resolve(aSessionConfig(config)),
    createRuntimeClient: (options) => {
      runtimeConfigs.push(options);
      return runtime;
    },
    createAgentClient: () => agent,
    createEventStream: () => {
      const stream = new FakeEventStream();
      streams.push(stream);
      return stream;
    },
    logger: silentLogger,
  });
  const events: Event[] = [];
  const statuses: ConnectionStatusChange[] = [];
  let resets = 0;
  session.onDidReceiveEvent((event) => events.push(event));
  session.onDidChangeStatus((status) => statuses.push(status));
  session.onDidReset(() => {
    resets += 1;
  });
  return { session, runtime, agent, streams, runtimeConfigs, events, statuses, resets: () => resets };
}

describe('SessionService', () => {
  it('starts a sandbox, creates the conversation with the LLM config and first message, and connects', async () => {
    const { session, runtime, agent, streams, runtimeConfigs, statuses } = setup();
    await expect(session.start('fix the tests')).resolves.toEqual({ conversationId: 'conv-1' });
    expect(runtimeConfigs).toEqual([{ baseUrl: 'http://runtime', apiKey: 'runtime-key' }]);
    expect(runtime.started).toHaveLength(1);
    expect(agent.created).toEqual([
      {
        llm: { model: 'openai/gpt-4o', apiKey: 'llm-key' },
        initialMessage: 'fix the tests',
        maxIterations: 100,
        confirmationPolicy: { type: 'never' },
      },
    ]);
    expect(streams[0]?.connected).toBe(true);
    // 'connecting' comes from the stream itself once it opens.
    expect(statuses.map((s) => s.status)).toEqual(['starting_sandbox']);
  });

  it('relays events and statuses, and keeps the events for a replay', async () => {
    const { session, streams, events, statuses } = setup();
    await session.start('go');
    streams[0]?.status({ status: 'connected' });
    streams[0]?.push(aMessageEvent({ seq: 1 }));
    streams[0]?.push(anActionEvent({ seq: 2 }));
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(statuses.at(-1)).toEqual({ status: 'connected' });
    expect(session.snapshot()).toEqual({ status: { status: 'connected' }, events, streaming: [] });
  });

  it('fails with a clear message when the runtime API key is missing', async () => {
    const { session, runtime, statuses } = setup({ runtimeApiKey: undefined });
    const error = await session.start('go').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConfiguredError);
    expect((error as Error).message).toBe(MISSING_RUNTIME_KEY_MESSAGE);
    expect((error as Error).message).toContain('Handoff: Set Runtime API Key');
    expect(runtime.started).toHaveLength(0);
    expect(statuses.at(-1)).toEqual({ status: 'error', message: MISSING_RUNTIME_KEY_MESSAGE });
  });

  it('rejects unusable model settings before leasing a sandbox, naming the setting', async () => {
    const { session, runtime } = setup({ llm: { model: 'gpt-4o' } });
    await expect(session.start('go')).rejects.toThrow(/handoff\.model/);
    const other = setup({ llm: { model: 'openai/gpt-4o', baseUrl: 'not a url' } });
    await expect(other.session.start('go')).rejects.toThrow(/handoff\.llmBaseUrl/);
    expect(runtime.started).toHaveLength(0);
  });

  it('gives the sandbox back when the conversation cannot be created', async () => {
    const { session, runtime, agent } = setup();
    agent.createError = new ConnectionError('cannot reach the agent server');
    await expect(session.start('go')).rejects.toBe(agent.createError);
    expect(runtime.stopped).toEqual(['sbx-1']);
  });

  it('sends messages and interrupts to the running conversation', async () => {
    const { session, agent } = setup();
    await session.start('go');
    await session.sendMessage('and then?');
    await session.interrupt();
    expect(agent.messages).toEqual([{ conversationId: 'conv-1', text: 'and then?' }]);
    expect(agent.interrupts).toEqual(['conv-1']);
  });

  it('rejects messages when no conversation runs', async () => {
    const { session } = setup();
    await expect(session.sendMessage('hello?')).rejects.toBeInstanceOf(NoConversationError);
    await expect(session.interrupt()).rejects.toBeInstanceOf(NoConversationError);
  });

  it('reset closes the stream, clears the events, tells listeners and leaves the sandbox running', async () => {
    const { session, runtime, streams, resets, statuses } = setup();
    await session.start('go');
    streams[0]?.push(aMessageEvent({ seq: 1 }));
    await session.reset();
    expect(streams[0]?.disposed).toBe(true);
    expect(runtime.stopped).toEqual([]);
    expect(session.current()).toBeUndefined();
    expect(resets()).toBe(1);
    expect(session.snapshot()).toEqual({ status: { status: 'idle' }, events: [], streaming: [] });
    expect(statuses.at(-1)).toEqual({ status: 'idle' });
  });

  it('starting again replaces the conversation and leaves the old sandbox to the history', async () => {
    const { session, runtime } = setup();
    await session.start('one');
    await session.start('two');
    expect(runtime.stopped).toEqual([]);
    expect(runtime.started).toHaveLength(2);
    expect(session.current()).toEqual({ conversationId: 'conv-2', sandboxId: 'sbx-2', readOnly: false });
  });

  it('stopSandbox drops the conversation and stops and removes its sandbox', async () => {
    const { session, runtime, resets } = setup();
    await session.start('go');
    await session.stopSandbox();
    expect(runtime.stopped).toEqual(['sbx-1']);
    expect(resets()).toBe(1);
    await session.stopSandbox();
    expect(runtime.stopped).toEqual(['sbx-1']);
  });

  it('abandons a start that a reset overtook and gives its sandbox back', async () => {
    const { session, runtime, agent } = setup();
    let open = (): void => undefined;
    runtime.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const started = session.start('go');
    await new Promise((resolve) => setTimeout(resolve, 0));
    await session.reset();
    open();
    await expect(started).rejects.toMatchObject({ name: 'CancelledError' });
    expect(agent.created).toHaveLength(0);
    expect(runtime.stopped).toEqual(['sbx-1']);
  });

  it('dispose closes the stream but leaves the sandbox to runtime-api', async () => {
    const { session, runtime, streams } = setup();
    await session.start('go');
    session.dispose();
    expect(streams[0]?.disposed).toBe(true);
    expect(runtime.stopped).toEqual([]);
  });
});
