/**
 * @module One conversation at a time: lease a sandbox, create the conversation, stream its
 * events, and keep them so a re-shown webview can be replayed. Knows nothing of `vscode`.
 */
import type {
  ConfirmRequest,
  ConversationId,
  CreateConversationRequest,
  Event,
  SandboxInfo,
} from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import { Disposable, disposeAll } from '../common/lifecycle';
import type { DisposableLike } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { AgentHttpClient } from './agent-http-client';
import type { ConnectionStatusChange, EventStream, StreamDelta } from './agent-connection';
import { buildCreateConversationRequest } from './conversation-request';
import type { ConversationSettings } from './conversation-request';
import {
  CancelledError,
  HandoffError,
  NoConversationError,
  NotConfiguredError,
  SANDBOX_GONE_MESSAGE,
  SandboxGoneError,
  toErrorBody,
} from './errors';
import type { RuntimeClient } from './runtime-client';
import { uploadForSession } from '../workspace/session-upload';
import type { WorkspaceHost } from '../workspace/session-upload';

/** Settings and secrets read at the start of each conversation. */
export interface SessionConfig extends ConversationSettings {
  /** runtime-api's base URL. */
  runtimeApiUrl: string;
  /** runtime-api's key, from SecretStorage; absent until the user sets it. */
  runtimeApiKey: string | undefined;
  /** `handoff.maxUploadMb`: the most workspace content one upload sends (default 200). */
  maxUploadMb?: number;
}

/** How the session builds its clients; extension.ts passes the real ones, tests pass fakes. */
export interface SessionServiceOptions {
  readConfig: () => Promise<SessionConfig>;
  createRuntimeClient: (config: { baseUrl: string; apiKey: string }) => RuntimeClient;
  createAgentClient: (sandbox: SandboxInfo) => AgentHttpClient;
  createEventStream: (sandbox: SandboxInfo, conversationId: ConversationId) => EventStream;
  logger: Logger;
  /** The open folder, trust and progress UI; absent, nothing is uploaded. */
  workspace?: WorkspaceHost;
}

/** The workspace as uploaded into a new conversation's sandbox: the mirror's baseline. */
export interface UploadedWorkspace {
  /** The sandbox it went to (its agent server serves the agent's versions of the files). */
  sandbox: SandboxInfo;
  /** Workspace-relative path → sha256 (hex) of the uploaded bytes; regular files only. */
  files: ReadonlyMap<string, string>;
}

/** What a webview needs to show the current conversation from scratch. */
export interface SessionSnapshot {
  status: ConnectionStatusChange;
  events: readonly Event[];
  /** The text streamed since the last event (the response being generated now), merged per kind. */
  streaming: readonly StreamDelta[];
}

/** The conversation on show: its ids, and whether it is only the local archive of a gone sandbox. */
export interface ShownConversation {
  conversationId: ConversationId;
  sandboxId: string;
  readOnly: boolean;
}

/** What reopening found: the sandbox still there, gone, or runtime-api could not say. */
export type Reopened = 'live' | 'gone' | 'unknown';

/** The message shown when runtime-api's key is missing. */
export const MISSING_RUNTIME_KEY_MESSAGE =
  'No runtime API key is set. Run "Handoff: Set Runtime API Key" from the Command Palette, then send your message again.';

/** The message shown when a confirmation answer finds nothing waiting (409 `no_pending_confirmation`). */
export const NO_PENDING_CONFIRMATION_MESSAGE =
  'Nothing is waiting for your confirmation any more: the agent has already moved on.';

interface Lease {
  readonly sandbox: SandboxInfo;
  readonly runtime: RuntimeClient;
  readonly agent: AgentHttpClient;
}

type FoundLease = { lease: Lease; gone?: undefined } | { lease?: undefined; gone: boolean; message: string };

interface ActiveConversation extends Lease {
  readonly conversationId: ConversationId;
  readonly stream: EventStream;
  readonly subscriptions: DisposableLike[];
}

/** Runs the user's conversation and relays its events and connection status. */
export class SessionService extends Disposable {
  private readonly eventEmitter = this._register(new Emitter<Event>());
  private readonly statusEmitter = this._register(new Emitter<ConnectionStatusChange>());
  private readonly resetEmitter = this._register(new Emitter<undefined>());
  private readonly deltaEmitter = this._register(new Emitter<StreamDelta>());
  /** Each new event, once, in `seq` order. */
  readonly onDidReceiveEvent = this.eventEmitter.event;
  /** Text the model is generating now; the next event supersedes it. */
  readonly onDidReceiveStreamDelta = this.deltaEmitter.event;
  /** The connection status changed. */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /** The conversation was dropped (a new one will start). */
  readonly onDidReset = this.resetEmitter.event;
  private readonly uploadEmitter = this._register(new Emitter<UploadedWorkspace>());
  /** The workspace was uploaded into a new sandbox; its conversation is created next. */
  readonly onDidUploadWorkspace = this.uploadEmitter.event;
  private uploaded: UploadedWorkspace | undefined;
  private readonly shownEmitter = this._register(new Emitter<ShownConversation | undefined>());
  /** Another conversation is shown (started, reopened), or none. */
  readonly onDidChangeConversation = this.shownEmitter.event;

  private active: ActiveConversation | undefined;
  private shown: ShownConversation | undefined;
  private events: Event[] = [];
  private streaming: StreamDelta[] = [];
  private status: ConnectionStatusChange = { status: 'idle' };
  /** Bumped by every reset, so that a start it overtook can tell and clean up. */
  private generation = 0;
  private starting = false;

  constructor(private readonly options: SessionServiceOptions) {
    super();
  }

  /** The conversation on show, if any. */
  current(): ShownConversation | undefined {
    return this.shown;
  }

  /** The sandbox of the conversation on show while it is live (not archived), if any. */
  liveSandbox(): SandboxInfo | undefined {
    return this.active?.sandbox;
  }

  /** The upload of the current conversation (none: untrusted, no folder, or reopened). */
  uploadManifest(): UploadedWorkspace | undefined {
    return this.uploaded;
  }

  /** The current status and every event so far. */
  snapshot(): SessionSnapshot {
    return { status: this.status, events: [...this.events], streaming: [...this.streaming] };
  }

  /** Starts a sandbox and a conversation whose first message is `text`; replaces any current one. */
  async start(text: string): Promise<{ conversationId: ConversationId }> {
    if (this.active || this.starting) await this.reset();
    const generation = this.generation;
    this.starting = true;
    try {
      this.setStatus({ status: 'starting_sandbox' });
      const config = await this.options.readConfig();
      const request = buildCreateConversationRequest(config, text);
      const lease = await this.leaseSandbox(config, generation);
      await this.uploadWorkspace(lease, config, generation);
      const conversationId = await this.createConversation(lease, request, generation);
      this.attach(lease, conversationId);
      return { conversationId };
    } catch (error) {
      if (!(error instanceof CancelledError))
        this.setStatus({ status: 'error', message: toErrorBody(error).message });
      throw error;
    } finally {
      if (generation === this.generation) this.starting = false;
    }
  }

  /** Sends a user message to the running conversation. */
  async sendMessage(text: string): Promise<void> {
    if (this.shown?.readOnly) throw new SandboxGoneError();
    const active = this.requireActive();
    await active.agent.sendMessage(active.conversationId, text);
  }

  /** Stops the agent's current step. */
  async interrupt(): Promise<void> {
    const active = this.requireActive();
    await active.agent.interrupt(active.conversationId);
  }

  /**
   * Accepts or rejects the actions awaiting confirmation. When none awaits (the agent moved
   * on), fails with `no_pending_confirmation` and a sentence for the user.
   */
  async confirm(request: ConfirmRequest): Promise<void> {
    const active = this.requireActive();
    try {
      await active.agent.confirm(active.conversationId, request);
    } catch (error) {
      if (error instanceof HandoffError && error.code === 'no_pending_confirmation')
        throw new HandoffError('no_pending_confirmation', NO_PENDING_CONFIRMATION_MESSAGE, { cause: error });
      throw error;
    }
  }

  /** Pauses the agent; {@link resume} lets it continue. */
  async pause(): Promise<void> {
    const active = this.requireActive();
    await active.agent.pause(active.conversationId);
  }

  /** Lets a paused agent continue. */
  async resume(): Promise<void> {
    const active = this.requireActive();
    await active.agent.resume(active.conversationId);
  }

  /**
   * Shows a past conversation with its full history. When its sandbox still exists it is resumed
   * if paused and its stream reattached from the start; otherwise the archive is replayed and the
   * conversation is read-only. The conversation shown before keeps its sandbox (see {@link reset}).
   */
  async open(
    target: Omit<ShownConversation, 'readOnly'>,
    archived: () => Promise<readonly Event[]>,
  ): Promise<Reopened> {
    await this.reset();
    const generation = this.generation;
    this.setStatus({ status: 'connecting' });
    const found = await this.findLease(target.sandboxId);
    if (generation !== this.generation) throw new CancelledError();
    if (found.lease) {
      this.attach(found.lease, target.conversationId);
      return 'live';
    }
    const events = await archived();
    if (generation !== this.generation) throw new CancelledError();
    this.setShown({ conversationId: target.conversationId, sandboxId: target.sandboxId, readOnly: true });
    for (const event of events) {
      this.events.push(event);
      this.eventEmitter.fire(event);
    }
    this.setStatus({ status: 'disconnected', message: found.message });
    return found.gone ? 'gone' : 'unknown';
  }

  /** runtime-api's view of a sandbox; `undefined` once it no longer exists. */
  async findSandbox(sandboxId: string): Promise<SandboxInfo | undefined> {
    const config = await this.options.readConfig();
    return this.runtimeClient(config).get(sandboxId);
  }

  /**
   * Drops the shown conversation and tells listeners. Its sandbox keeps running, so the history
   * can reopen it; runtime-api's idle policy pauses it, and {@link stopSandbox} removes it.
   */
  reset(): Promise<void> {
    this.generation += 1;
    this.starting = false;
    const active = this.active;
    this.active = undefined;
    this.events = [];
    this.streaming = [];
    this.uploaded = undefined;
    if (active) this.detach(active);
    this.setShown(undefined);
    this.resetEmitter.fire(undefined);
    this.setStatus({ status: 'idle' });
    return Promise.resolve();
  }

  /** Drops the shown conversation and asks runtime-api to stop and remove its sandbox. */
  async stopSandbox(): Promise<void> {
    const active = this.active;
    await this.reset();
    if (active) await this.releaseSandbox(active);
  }

  /** Closes the event stream. The sandbox is left to runtime-api (only "Stop Sandbox" stops it). */
  override dispose(): void {
    if (this.active) this.detach(this.active);
    this.active = undefined;
    super.dispose();
  }

  private async leaseSandbox(config: SessionConfig, generation: number): Promise<Lease> {
    const runtime = this.runtimeClient(config);
    const sandbox = await runtime.start({ labels: { client: 'handoff-vscode' } });
    this.options.logger.info(`Sandbox ${sandbox.id} started (${sandbox.provider}).`);
    const lease = { sandbox, runtime, agent: this.options.createAgentClient(sandbox) };
    await this.throwIfOvertaken(generation, lease);
    return lease;
  }

  /** Uploads the open, trusted folder into the new sandbox; a failure gives the sandbox back. */
  private async uploadWorkspace(lease: Lease, config: SessionConfig, generation: number): Promise<void> {
    if (this.options.workspace === undefined) return;
    const { agentServerUrl, sessionApiKey } = lease.sandbox;
    const upload = await uploadForSession(
      this.options.workspace,
      { agentServerUrl, sessionApiKey },
      config.maxUploadMb,
    ).catch(async (error: unknown) => {
      await this.releaseSandbox(lease);
      throw error;
    });
    await this.throwIfOvertaken(generation, lease);
    if (upload.kind === 'skipped') {
      this.options.logger.info(upload.message);
      this.setStatus({ status: 'starting_sandbox', message: upload.message });
      return;
    }
    const { files, bytes, count, skipped } = upload.result;
    this.options.logger.info(
      `Uploaded ${String(count)} files (${String(bytes)} bytes) to sandbox ${lease.sandbox.id}.`,
    );
    for (const { path, reason } of skipped) this.options.logger.info(`Not uploaded: ${path} ${reason}.`);
    this.uploaded = { sandbox: lease.sandbox, files };
    this.uploadEmitter.fire(this.uploaded);
  }

  private async createConversation(
    lease: Lease,
    request: CreateConversationRequest,
    generation: number,
  ): Promise<ConversationId> {
    let conversationId: ConversationId;
    try {
      const info = await lease.agent.createConversation(request);
      conversationId = info.id;
    } catch (error) {
      await this.releaseSandbox(lease);
      throw error;
    }
    await this.throwIfOvertaken(generation, lease);
    return conversationId;
  }

  private runtimeClient(config: SessionConfig): RuntimeClient {
    if (!config.runtimeApiKey) throw new NotConfiguredError(MISSING_RUNTIME_KEY_MESSAGE);
    return this.options.createRuntimeClient({ baseUrl: config.runtimeApiUrl, apiKey: config.runtimeApiKey });
  }

  /** The sandbox of a past conversation, resumed when paused; else why it cannot be reached. */
  private async findLease(sandboxId: string): Promise<FoundLease> {
    try {
      const runtime = this.runtimeClient(await this.options.readConfig());
      let sandbox = await runtime.get(sandboxId);
      if (!sandbox || sandbox.status === 'stopped') return { gone: true, message: SANDBOX_GONE_MESSAGE };
      if (sandbox.status === 'paused') sandbox = await runtime.resume(sandboxId);
      return { lease: { sandbox, runtime, agent: this.options.createAgentClient(sandbox) } };
    } catch (error) {
      const reason = toErrorBody(error).message;
      this.options.logger.warn(`Could not reach sandbox ${sandboxId}: ${reason}`);
      return { gone: false, message: `Showing the local archive, read-only. ${reason}` };
    }
  }

  private attach(lease: Lease, conversationId: ConversationId): void {
    const stream = this.options.createEventStream(lease.sandbox, conversationId);
    const subscriptions = [
      stream.onEvent((event) => {
        this.events.push(event);
        this.streaming = [];
        this.eventEmitter.fire(event);
      }),
      stream.onStreamDelta((delta) => {
        this.keepDelta(delta);
        this.deltaEmitter.fire(delta);
      }),
      stream.onStatus((change) => {
        this.setStatus(change);
      }),
    ];
    this.active = { ...lease, conversationId, stream, subscriptions };
    this.setShown({ conversationId, sandboxId: lease.sandbox.id, readOnly: false });
    stream.connect();
  }

  /** Keeps what a re-shown webview needs to rebuild the typing bubble: one entry per response and kind. */
  private keepDelta(delta: StreamDelta): void {
    const last = this.streaming.at(-1);
    if (last?.responseId === delta.responseId && last.kind === delta.kind) {
      this.streaming[this.streaming.length - 1] = { ...last, delta: last.delta + delta.delta };
    } else {
      this.streaming.push(delta);
    }
  }

  private detach(active: ActiveConversation): void {
    disposeAll(active.subscriptions);
    active.stream.dispose();
  }

  /** A reset that ran while we awaited wins: give the sandbox back and abandon this start. */
  private async throwIfOvertaken(generation: number, lease: Lease): Promise<void> {
    if (generation === this.generation && !this.isDisposed) return;
    await this.releaseSandbox(lease);
    throw new CancelledError();
  }

  private async releaseSandbox(lease: Lease): Promise<void> {
    try {
      await lease.runtime.stop(lease.sandbox.id);
      this.options.logger.info(`Sandbox ${lease.sandbox.id} stopped.`);
    } catch (error) {
      this.options.logger.warn(`Could not stop sandbox ${lease.sandbox.id}: ${toErrorBody(error).message}`);
    }
  }

  private requireActive(): ActiveConversation {
    if (!this.active) throw new NoConversationError();
    return this.active;
  }

  private setShown(shown: ShownConversation | undefined): void {
    this.shown = shown;
    this.shownEmitter.fire(shown);
  }

  private setStatus(change: ConnectionStatusChange): void {
    this.status = change;
    this.statusEmitter.fire(change);
  }
}
