/**
 * @module Fakes of the session's seams: runtime-api, the agent server's REST routes and the
 * event stream. Each records its calls and can be told to fail.
 */
import type {
  ConversationId,
  ConversationInfo,
  CreateConversationRequest,
  Event,
  SandboxInfo,
  StartSandboxRequest,
} from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import type { AgentHttpClient } from '../agent/agent-http-client';
import type { ConnectionStatusChange, EventStream } from '../agent/agent-connection';
import type { RuntimeClient } from '../agent/runtime-client';

/** A sandbox as runtime-api would report it. */
export function aSandboxInfo(overrides: Partial<SandboxInfo> = {}): SandboxInfo {
  return {
    id: 'sbx-1',
    status: 'running',
    agentServerUrl: 'http://127.0.0.1:4000',
    sessionApiKey: 'session-key',
    provider: 'process',
    labels: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A {@link RuntimeClient} that hands out numbered sandboxes. */
export class FakeRuntimeClient implements RuntimeClient {
  readonly started: StartSandboxRequest[] = [];
  readonly stopped: string[] = [];
  /** When set, `start` rejects with it. */
  startError: Error | undefined;
  /** When set, `start` waits for it before answering. */
  gate: Promise<void> | undefined;

  async start(request: StartSandboxRequest = {}): Promise<SandboxInfo> {
    this.started.push(request);
    await this.gate;
    if (this.startError) throw this.startError;
    return aSandboxInfo({ id: `sbx-${String(this.started.length)}` });
  }

  stop(id: string): Promise<void> {
    this.stopped.push(id);
    return Promise.resolve();
  }
}

/** An {@link AgentHttpClient} that records every call. */
export class FakeAgentHttpClient implements AgentHttpClient {
  readonly created: CreateConversationRequest[] = [];
  readonly messages: { conversationId: ConversationId; text: string }[] = [];
  readonly interrupts: ConversationId[] = [];
  /** When set, `createConversation` rejects with it. */
  createError: Error | undefined;

  createConversation(request: CreateConversationRequest): Promise<ConversationInfo> {
    this.created.push(request);
    if (this.createError) return Promise.reject(this.createError);
    const now = '2026-01-01T00:00:00.000Z';
    return Promise.resolve({
      id: `conv-${String(this.created.length)}`,
      state: 'running',
      model: request.llm.model,
      lastSeq: 0,
      createdAt: now,
      updatedAt: now,
    });
  }

  sendMessage(conversationId: ConversationId, text: string): Promise<void> {
    this.messages.push({ conversationId, text });
    return Promise.resolve();
  }

  interrupt(conversationId: ConversationId): Promise<void> {
    this.interrupts.push(conversationId);
    return Promise.resolve();
  }
}

/** An {@link EventStream} the test drives by hand. */
export class FakeEventStream implements EventStream {
  private readonly events = new Emitter<Event>();
  private readonly statuses = new Emitter<ConnectionStatusChange>();
  readonly onEvent = this.events.event;
  readonly onStatus = this.statuses.event;
  connected = false;
  disposed = false;

  connect(): void {
    this.connected = true;
  }

  /** Delivers an event as the real stream would (already de-duplicated). */
  push(event: Event): void {
    this.events.fire(event);
  }

  /** Reports a status change. */
  status(change: ConnectionStatusChange): void {
    this.statuses.fire(change);
  }

  dispose(): void {
    this.disposed = true;
    this.events.dispose();
    this.statuses.dispose();
  }
}
