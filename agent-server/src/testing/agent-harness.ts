import { randomUUID } from 'node:crypto';
import type { ConfirmationPolicy, Event, EventDraft, StreamDeltaFrame } from '@handoff/protocol';
import type { AgentRunContext, AgentRunResult, ConversationEvents } from '../agent/agent-context';
import { runAgent } from '../agent/agent-loop';
import { buildSystemPrompt } from '../agent/prompt';
import { silentLogger } from '../logger';
import { toolDefinitions } from '../tools/tools';
import type { FakeSandboxHandler } from './fake-sandbox-client';
import { FAKE_WORKSPACE, FakeSandboxClient } from './fake-sandbox-client';
import type { ScriptedLlmStep } from './scripted-llm-client';
import { ScriptedLlmClient } from './scripted-llm-client';

/** An in-memory event log: assigns `id`, `seq` and `timestamp` like the real one, keeps nothing on disk. */
export class InMemoryEvents implements ConversationEvents {
  readonly #events: Event[] = [];

  all(): readonly Event[] {
    return this.#events;
  }

  append(draft: EventDraft): Promise<Event> {
    const event = {
      ...draft,
      id: randomUUID(),
      seq: this.#events.length + 1,
      timestamp: new Date().toISOString(),
    } as Event;
    this.#events.push(event);
    return Promise.resolve(event);
  }
}

/** A scripted run of the agent: the LLM script, the sandbox's answers, and context overrides. */
export interface ScriptedRunOptions {
  steps: readonly ScriptedLlmStep[];
  /** Answers sandbox actions; the fake's default (echo, in-memory editor) when absent. */
  handler?: FakeSandboxHandler;
  /** The log to run on (to run again after a confirmation); a new one with `userMessage` when absent. */
  events?: InMemoryEvents;
  /** The first user message of a new log. */
  userMessage?: string;
  context?: Partial<Omit<AgentRunContext, 'events' | 'llm' | 'sandbox'>>;
  llm?: ScriptedLlmClient;
  sandbox?: FakeSandboxClient;
}

/** What a scripted run left behind. */
export interface ScriptedRun {
  result: AgentRunResult;
  events: InMemoryEvents;
  llm: ScriptedLlmClient;
  sandbox: FakeSandboxClient;
  deltas: StreamDeltaFrame[];
}

const NEVER: ConfirmationPolicy = { type: 'never' };

/** Runs the agent once against a {@link ScriptedLlmClient} and a {@link FakeSandboxClient}. */
export async function runScripted(options: ScriptedRunOptions): Promise<ScriptedRun> {
  const events = options.events ?? new InMemoryEvents();
  if (options.events === undefined)
    await events.append({ type: 'message', source: 'user', text: options.userMessage ?? 'do the task' });
  const llm = options.llm ?? new ScriptedLlmClient(options.steps);
  const sandbox = options.sandbox ?? new FakeSandboxClient(options.handler);
  const deltas: StreamDeltaFrame[] = [];
  const workspace = options.context?.workspace ?? FAKE_WORKSPACE;
  const result = await runAgent({
    systemPrompt: buildSystemPrompt({ workspace }),
    tools: toolDefinitions({ workspace }),
    maxIterations: 50,
    signal: new AbortController().signal,
    logger: silentLogger,
    llmConfig: { model: 'openai/gpt-4o' },
    secrets: {},
    getConfirmationPolicy: () => NEVER,
    onStreamDelta: (frame) => deltas.push(frame),
    ...options.context,
    workspace,
    events,
    llm,
    sandbox,
  });
  return { result, events, llm, sandbox, deltas };
}
