/**
 * @module Fakes of the session's seams: runtime-api, the agent server's REST routes and the
 * event stream. Each records its calls and can be told to fail.
 */
import type {
  ConfirmRequest,
  ConversationId,
  ConversationInfo,
  CreateConversationRequest,
  Event,
  SandboxInfo,
  StartSandboxRequest,
} from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import type { AgentHttpClient } from '../agent/agent-http-client';
import type { ConnectionStatusChange, EventStream, StreamDelta } from '../agent/agent-connection';
import type { RuntimeClient } from '../agent/runtime-client';
import type { SessionConfig } from '../agent/session-service';

/** Settings as a user with every default and both keys set would have them. */
export function aSessionConfig(overrides: Partial<SessionConfig> = {}): SessionConfig {
  return {
    runtimeApiUrl: 'http://runtime',
    runtimeApiKey: 'runtime-key',
    llm: { model: 'openai/gpt-4o', apiKey: 'llm-key' },
    maxIterations: 100,
    maxBudgetUsd: 0,
    confirmationPolicy: 'never',
    ...overrides,
  };
}

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

  readonly resumed: string[] = [];
  /** The sandboxes that exist, by id: started ones until stopped; tests may add or change them. */
  readonly sandboxes = new Map<string, SandboxInfo>();
  /** When set, `get` rejects with it (runtime-api unreachable). */
  getError: Error | undefined;

  async start(request: StartSandboxRequest = {}): Promise<SandboxInfo> {
    this.started.push(request);
    await this.gate;
    if (this.startError) throw this.startError;
    const sandbox = aSandboxInfo({ id: `sbx-${String(this.started.length)}` });
    this.sandboxes.set(sandbox.id, sandbox);
    return sandbox;
  }

  stop(id: string): Promise<void> {
    this.stopped.push(id);
    this.sandboxes.delete(id);
    return Promise.resolve();
  }

  get(id: string): Promise<SandboxInfo | undefined> {
    if (this.getError) return Promise.reject(this.getError);
    return Promise.resolve(this.sandboxes.get(id));
  }

  resume(id: string): Promise<SandboxInfo> {
    this.resumed.push(id);
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return Promise.reject(new Error(`No sandbox ${id}.`));
    const running = { ...sandbox, status: 'running' as const };
    this.sandboxes.set(id, running);
    return Promise.resolve(running);
  }
}

/** An {@link AgentHttpClient} that records every call. */
export class FakeAgentHttpClient implements AgentHttpClient {
  readonly created: CreateConversationRequest[] = [];
  readonly messages: { conversationId: ConversationId; text: string }[] = [];
  readonly interrupts: ConversationId[] = [];
  /** Control calls after creation, in order: `confirm`, `pause`, `resume`. */
  readonly controls: {
    route: 'confirm' | 'pause' | 'resume';
    conversationId: ConversationId;
    body?: ConfirmRequest;
  }[] = [];
  /** When set, `createConversation` rejects with it. */
  createError: Error | undefined;
  /** When set, `confirm`, `pause` and `resume` reject with it. */
  controlError: Error | undefined;

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

  confirm(conversationId: ConversationId, body: ConfirmRequest): Promise<void> {
    this.controls.push({ route: 'confirm', conversationId, body });
    return this.controlError ? Promise.reject(this.controlError) : Promise.resolve();
  }

  pause(conversationId: ConversationId): Promise<void> {
    this.controls.push({ route: 'pause', conversationId });
    return this.controlError ? Promise.reject(this.controlError) : Promise.resolve();
  }

  resume(conversationId: ConversationId): Promise<void> {
    this.controls.push({ route: 'resume', conversationId });
    return this.controlError ? Promise.reject(this.controlError) : Promise.resolve();
  }
}

/** An {@link EventStream} the test drives by hand. */
export class FakeEventStream implements EventStream {
  private readonly events = new Emitter<Event>();
  private readonly statuses = new Emitter<ConnectionStatusChange>();
  private readonly deltas = new Emitter<StreamDelta>();
  readonly onEvent = this.events.event;
  readonly onStatus = this.statuses.event;
  readonly onStreamDelta = this.deltas.event;
  connected = false;
  disposed = false;

  connect(): void {
    this.connected = true;
  }

  /** Delivers an event as the real stream would (already de-duplicated). */
  push(event: Event): void {
    this.events.fire(event);
  }

  /** Delivers a stream delta. */
  delta(delta: StreamDelta): void {
    this.deltas.fire(delta);
  }

  /** Reports a status change. */
  status(change: ConnectionStatusChange): void {
    this.statuses.fire(change);
  }

  dispose(): void {
    this.disposed = true;
    this.events.dispose();
    this.statuses.dispose();
    this.deltas.dispose();
  }
}
